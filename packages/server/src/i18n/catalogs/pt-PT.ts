import type { ServerMessages } from './en'

/** Portuguese (Portugal): only what differs from Brazil's `pt`, laid over it. */
export const ptPT: Partial<ServerMessages> = {
  introConfirmedInvitee: 'A sua reunião está marcada: {meeting} com {name}.',
  subjectConfirmedHost: 'Nova marcação: {meeting} com {name} para {when}',
  introConfirmedHost: '{name} marcou {meeting} consigo.',
  subjectRescheduled: 'Remarcado: {meeting} com {name}, agora para {when}',
  forYou: 'Para si ({city}): {time}',
  reschedule: 'Remarcar',
  bookAgain: 'Marcar novamente',
  inviteDescription: 'Marcado com o Slotkit.',
  pageBook: 'Marcar uma reunião',
  pageCancel: 'Cancelar a sua marcação',
  pageReschedule: 'Remarcar a sua marcação',
  noscript: 'A marcação precisa de JavaScript. A API está documentada em {docs}.',
}
