/**
 * The widget's UI strings. Dates, times, weekday and month names come from
 * `Intl` (through `@slotkit/core/format`); only the words around them live here.
 * Placeholders are `{name}`; {@link translate} fills them.
 */
export const en = {
  loading: 'Loading…',
  retry: 'Try again',
  back: 'Back',
  chooseDate: 'Select a date',
  chooseTime: 'Select a time',
  previousMonth: 'Previous month',
  nextMonth: 'Next month',
  noTimesInMonth: 'No times available in {month}.',
  nextAvailable: 'Jump to the next available date',
  timesFor: '{count} times available on {date}',
  noTimesForDay: 'No times available on this day.',
  pickDay: 'Select a day to see the available times.',
  available: 'available',
  duration: 'Duration',
  minutes: '{n} min',
  timeZone: 'Time zone',
  searchTimeZone: 'Search time zones',
  noZoneMatch: 'No time zone matches.',
  yourDetails: 'Enter your details',
  name: 'Name',
  email: 'E-mail',
  required: 'required',
  fieldRequired: 'Please fill in this field.',
  invalidEmail: 'Please enter a valid e-mail address.',
  confirm: 'Schedule event',
  scheduling: 'Scheduling…',
  booked: 'You are scheduled',
  bookedLead: 'Booked for {email}.',
  yourTime: 'Your time ({zone})',
  hostTime: "Host's time ({zone})",
  addToCalendar: 'Add to calendar',
  downloadIcs: 'Download .ics',
  google: 'Google Calendar',
  outlook: 'Outlook',
  manageCancel: 'Cancel',
  manageReschedule: 'Reschedule',
  slotTaken: 'Sorry, that time was just taken. Here are the times still open.',
  slotRefused: 'That time can no longer be booked. Please pick another.',
  suggested: 'Next available: {time}',
  loadError: 'We could not load this page.',
  slotsError: 'We could not load the available times.',
  submitError: 'We could not complete your request.',
  rescheduleTitle: 'Pick a new time',
  currentBooking: 'Current booking: {time}',
  rescheduleConfirm: 'Move to {time}',
  rescheduling: 'Rescheduling…',
  rescheduled: 'Your booking was moved',
  cancelTitle: 'Cancel your booking',
  cancelReason: 'Reason (optional)',
  cancelConfirm: 'Cancel booking',
  cancelling: 'Cancelling…',
  cancelled: 'Your booking was cancelled',
  notActive: 'This booking is no longer active.',
  missingBooking: 'The booking id and token are missing from the link.',
  selected: 'selected',
  widgetLabel: 'Schedule a meeting',
  event: 'Event',
}

/** A message catalog: every key of the English one. */
export type Messages = typeof en
/** A message key. */
export type MessageKey = keyof Messages

/** German. */
export const de: Messages = {
  loading: 'Wird geladen…',
  retry: 'Erneut versuchen',
  back: 'Zurück',
  chooseDate: 'Datum wählen',
  chooseTime: 'Uhrzeit wählen',
  previousMonth: 'Vorheriger Monat',
  nextMonth: 'Nächster Monat',
  noTimesInMonth: 'Im {month} sind keine Termine frei.',
  nextAvailable: 'Zum nächsten freien Tag',
  timesFor: '{count} freie Termine am {date}',
  noTimesForDay: 'An diesem Tag sind keine Termine frei.',
  pickDay: 'Wählen Sie einen Tag, um die freien Zeiten zu sehen.',
  available: 'verfügbar',
  duration: 'Dauer',
  minutes: '{n} Min.',
  timeZone: 'Zeitzone',
  searchTimeZone: 'Zeitzonen durchsuchen',
  noZoneMatch: 'Keine passende Zeitzone.',
  yourDetails: 'Ihre Angaben',
  name: 'Name',
  email: 'E-Mail',
  required: 'Pflichtfeld',
  fieldRequired: 'Bitte füllen Sie dieses Feld aus.',
  invalidEmail: 'Bitte geben Sie eine gültige E-Mail-Adresse ein.',
  confirm: 'Termin buchen',
  scheduling: 'Wird gebucht…',
  booked: 'Ihr Termin ist gebucht',
  bookedLead: 'Gebucht für {email}.',
  yourTime: 'Ihre Zeit ({zone})',
  hostTime: 'Zeit des Gastgebers ({zone})',
  addToCalendar: 'Zum Kalender hinzufügen',
  downloadIcs: '.ics herunterladen',
  google: 'Google Kalender',
  outlook: 'Outlook',
  manageCancel: 'Absagen',
  manageReschedule: 'Verschieben',
  slotTaken: 'Dieser Termin wurde gerade vergeben. Diese Zeiten sind noch frei.',
  slotRefused: 'Dieser Termin kann nicht mehr gebucht werden. Bitte wählen Sie einen anderen.',
  suggested: 'Nächster freier Termin: {time}',
  loadError: 'Die Seite konnte nicht geladen werden.',
  slotsError: 'Die freien Zeiten konnten nicht geladen werden.',
  submitError: 'Ihre Anfrage konnte nicht abgeschlossen werden.',
  rescheduleTitle: 'Neue Zeit wählen',
  currentBooking: 'Aktueller Termin: {time}',
  rescheduleConfirm: 'Auf {time} verschieben',
  rescheduling: 'Wird verschoben…',
  rescheduled: 'Ihr Termin wurde verschoben',
  cancelTitle: 'Termin absagen',
  cancelReason: 'Grund (optional)',
  cancelConfirm: 'Termin absagen',
  cancelling: 'Wird abgesagt…',
  cancelled: 'Ihr Termin wurde abgesagt',
  notActive: 'Dieser Termin ist nicht mehr aktiv.',
  missingBooking: 'Im Link fehlen die Buchungsnummer und der Schlüssel.',
  selected: 'ausgewählt',
  widgetLabel: 'Termin vereinbaren',
  event: 'Termin',
}

/** The built-in catalogs, by primary language subtag. */
export const catalogs: Readonly<Record<string, Messages>> = { en, de }

const registered = new Map<string, Partial<Messages>>()

/**
 * Adds or overrides a catalog for every widget on the page, e.g.
 * `registerMessages('fr', { chooseDate: 'Choisissez une date', … })`. Keys left
 * out fall back to English. Register before the widgets render.
 */
export function registerMessages(locale: string, messages: Partial<Messages>): void {
  const key = locale.toLowerCase()
  registered.set(key, { ...registered.get(key), ...messages })
}

/**
 * The catalog for a BCP 47 locale: English, overlaid with the built-in
 * catalog of its language (`de` for `de-AT`), then with registered ones (the
 * language's, then the exact tag's).
 */
export function resolveMessages(locale: string): Messages {
  const lower = locale.toLowerCase()
  const language = lower.split('-')[0] ?? 'en'
  return {
    ...en,
    ...catalogs[language],
    ...registered.get(language),
    ...(language === lower ? undefined : registered.get(lower)),
  }
}

/** Fills `{name}` placeholders of `template` from `values`. Unknown names stay as they are. */
export function translate(
  template: string,
  values: Readonly<Record<string, string | number>> = {},
) {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in values ? String(values[key]) : whole,
  )
}
