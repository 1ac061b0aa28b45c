import { html, nothing, type TemplateResult } from 'lit'
import { zoneCityLabel, zoneName } from '../i18n/format'

/** Most options rendered at once; typing narrows the list. */
export const MAX_ZONE_OPTIONS = 80

/**
 * Zones matching `query` (case-insensitive, on the id and its city name, `_`
 * and spaces alike), the exact and prefix matches of the city first.
 */
export function filterTimeZones(zones: readonly string[], query: string): string[] {
  const q = query
    .trim()
    .toLowerCase()
    .replace(/[_\s]+/g, ' ')
  if (!q) return zones.slice()
  const scored: Array<[number, string]> = []
  for (const zone of zones) {
    const id = zone.toLowerCase().replace(/_/g, ' ')
    const city = zoneCityLabel(zone).toLowerCase()
    const score = city === q ? 0 : city.startsWith(q) ? 1 : id.includes(q) ? 2 : -1
    if (score >= 0) scored.push([score, zone])
  }
  return scored.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1])).map(([, zone]) => zone)
}

/** What the zone picker shows. */
export interface ZonePickerProps {
  readonly idPrefix: string
  readonly timeZone: string
  /** "Time zone": the button's first line, the only words in it that depend on the language. */
  readonly label: string
  /** "Europe/Berlin (GMT+01:00)": its second line. */
  readonly value: string
  readonly open: boolean
  readonly query: string
  readonly options: readonly string[]
  readonly activeIndex: number
  readonly searchLabel: string
  readonly emptyLabel: string
  readonly offsetOf: (zone: string) => string
  readonly onToggle: () => void
  readonly onInput: (event: InputEvent) => void
  readonly onKey: (event: KeyboardEvent) => void
  readonly onChoose: (zone: string) => void
}

/**
 * A button showing the invitee's zone that opens a searchable list: an ARIA
 * 1.2 combobox (`input` + `listbox`, `aria-activedescendant`). Arrow keys move
 * through the options, Enter chooses, Escape closes. The button's "▾" is drawn
 * but not read: its accessible name is "Time zone Europe/Berlin (GMT+01:00)".
 * The label has a line of its own (so no colon, in no language's typography),
 * and a translation of another length never re-wraps the zone under it.
 */
export function renderZonePicker(p: ZonePickerProps): TemplateResult {
  const listId = `${p.idPrefix}-zones`
  const shown = p.options.slice(0, MAX_ZONE_OPTIONS)
  return html`<div class="zone" part="zone-picker">
    <button
      type="button"
      class="zone-toggle"
      part="zone-toggle"
      aria-expanded=${p.open ? 'true' : 'false'}
      @click=${p.onToggle}
    >
      <span class="muted">${p.label}</span><br />${p.value} <span aria-hidden="true">▾</span>
    </button>
    ${
      p.open
        ? html`<div class="zone-panel">
          <input
            type="search"
            role="combobox"
            autocomplete="off"
            aria-label=${p.searchLabel}
            aria-expanded="true"
            aria-controls=${listId}
            aria-autocomplete="list"
            aria-activedescendant=${shown[p.activeIndex] ? `${listId}-${p.activeIndex}` : nothing}
            placeholder=${p.searchLabel}
            .value=${p.query}
            @input=${p.onInput}
            @keydown=${p.onKey}
          />
          <ul role="listbox" id=${listId} aria-label=${p.searchLabel}>
            ${
              shown.length === 0
                ? html`<li class="muted" role="presentation">${p.emptyLabel}</li>`
                : shown.map(
                    (zone, i) =>
                      html`<li
                      role="option"
                      id=${`${listId}-${i}`}
                      aria-selected=${zone === p.timeZone ? 'true' : 'false'}
                      ?data-active=${i === p.activeIndex}
                      @click=${() => p.onChoose(zone)}
                    >
                      <span>${zoneName(zone)}</span>
                      <span class="muted">${p.offsetOf(zone)}</span>
                    </li>`,
                  )
            }
          </ul>
        </div>`
        : nothing
    }
  </div>`
}
