import { css } from 'lit'

/**
 * Theme tokens. Every colour, radius and font goes through a `--slotkit-*`
 * custom property; the defaults are `light-dark()` pairs, so the host's
 * `color-scheme` picks them: `light dark` follows `prefers-color-scheme`
 * (theme="auto", the default), theme="light" / theme="dark" pin one. A page
 * can also pin it with `color-scheme` on the element. Private `--_*`
 * properties hold the resolved values.
 */
export const themeStyles = css`
  :host {
    color-scheme: light dark;
    --_bg: var(--slotkit-color-bg, light-dark(#ffffff, #15171d));
    --_surface: var(--slotkit-color-surface, light-dark(#f5f7fa, #1f232c));
    --_text: var(--slotkit-color-text, light-dark(#1b1d24, #eef0f5));
    --_muted: var(--slotkit-color-muted, light-dark(#545a6b, #aab0bf));
    --_border: var(--slotkit-color-border, light-dark(#d5d9e2, #3a404d));
    --_accent: var(--slotkit-color-accent, light-dark(#0a58ca, #8ab4ff));
    --_accent-text: var(--slotkit-color-accent-contrast, light-dark(#ffffff, #0b1020));
    --_accent-soft: var(--slotkit-color-accent-soft, light-dark(#e6efff, #23314d));
    --_accent-soft-text: var(--slotkit-color-accent-soft-text, light-dark(#0847a6, #b8d0ff));
    --_danger: var(--slotkit-color-danger, light-dark(#b3261e, #ffb4ab));
    --_danger-soft: var(--slotkit-color-danger-soft, light-dark(#fdecea, #3b1d1b));
    --_success: var(--slotkit-color-success, light-dark(#1e6b3a, #8fd6a6));
    --_focus: var(--slotkit-color-focus, light-dark(#0a58ca, #8ab4ff));
    --_skeleton: var(--slotkit-color-skeleton, light-dark(#e8ebf1, #2a2f3a));
    --_radius: var(--slotkit-radius, 10px);
    --_font: var(--slotkit-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_font-size: var(--slotkit-font-size, 15px);
    --_gap: var(--slotkit-spacing, 16px);
  }
  :host([theme='light']) {
    color-scheme: light;
  }
  :host([theme='dark']) {
    color-scheme: dark;
  }
`

/**
 * Layout, controls and states. Every direction is a logical one
 * (`margin-inline-end`, `margin-block-end`, `text-align: start`), never left or
 * right, so the layout mirrors by itself under `dir="rtl"`; the grid's table
 * and the flex rows follow the direction too.
 */
export const widgetStyles = css`
  :host {
    display: block;
    container-type: inline-size;
    font-family: var(--_font);
    font-size: var(--_font-size);
    line-height: 1.45;
    color: var(--_text);
  }
  :host([hidden]) {
    display: none;
  }
  * {
    box-sizing: border-box;
  }
  .root {
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: var(--_gap);
    animation: fade-in 160ms ease-out;
  }
  h2,
  h3 {
    margin: 0 0 calc(var(--_gap) / 2);
    line-height: 1.25;
  }
  h2 {
    font-size: 1.25em;
  }
  h3 {
    font-size: 1.05em;
  }
  h2:focus,
  h3:focus {
    outline: none;
  }
  h2:focus-visible,
  h3:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  p {
    margin: 0 0 calc(var(--_gap) / 2);
  }
  .muted {
    color: var(--_muted);
  }
  .header {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 4px 12px;
    margin-block-end: var(--_gap);
    padding-block-end: calc(var(--_gap) / 2);
    border-block-end: 1px solid var(--_border);
  }
  .header h2 {
    margin: 0;
  }
  .layout {
    display: grid;
    grid-template-columns: minmax(0, 1.35fr) minmax(0, 1fr);
    gap: var(--_gap);
    align-items: start;
  }
  @container (max-width: 560px) {
    .layout {
      grid-template-columns: minmax(0, 1fr);
    }
    .root {
      padding: calc(var(--_gap) * 0.75);
    }
  }

  button,
  .button {
    font: inherit;
    color: inherit;
    cursor: pointer;
    border-radius: calc(var(--_radius) * 0.6);
    border: 1px solid var(--_border);
    background: var(--_bg);
    padding: 8px 14px;
    text-decoration: none;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
    min-height: 40px;
  }
  button:focus-visible,
  .button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  textarea:focus-visible,
  [role='option']:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  button[disabled] {
    cursor: progress;
    opacity: 0.8;
  }
  .primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_accent-text);
    font-weight: 600;
  }
  .link {
    border: none;
    background: none;
    color: var(--_accent-soft-text);
    text-decoration: underline;
    padding: 4px 0;
    min-height: 0;
  }
  .manage {
    margin-block-start: 12px;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: center;
  }

  /* Calendar */
  .cal-nav {
    display: flex;
    align-items: center;
    justify-content: space-between;
    margin-block-end: 8px;
  }
  .cal-nav h3 {
    margin: 0;
  }
  .cal-nav button {
    min-width: 40px;
    padding: 6px 10px;
  }
  table {
    width: 100%;
    border-collapse: collapse;
    table-layout: fixed;
  }
  th {
    font-size: 0.8em;
    font-weight: 600;
    color: var(--_muted);
    padding: 4px 0;
  }
  td {
    padding: 2px;
    text-align: center;
  }
  .day {
    width: 100%;
    max-width: 44px;
    aspect-ratio: 1;
    min-height: 36px;
    padding: 0;
    border-radius: 999px;
    border: 2px solid transparent;
    background: transparent;
    color: var(--_muted);
  }
  .day[data-available] {
    background: var(--_accent-soft);
    color: var(--_accent-soft-text);
    font-weight: 700;
  }
  .day[data-selected] {
    background: var(--_accent);
    color: var(--_accent-text);
  }
  .day[data-today] {
    border-color: var(--_border);
  }
  .day[aria-disabled='true'] {
    cursor: default;
  }
  .grid-busy .day {
    background: var(--_skeleton);
    color: transparent;
  }

  /* Slots */
  .slots h3 {
    font-size: 1em;
  }
  /* Room for the longest translation of these hints (wrapped), so a language
     arriving after the English text moves nothing under it. */
  .slots > p {
    min-block-size: 3lh;
  }
  .slot-list {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 8px;
    max-height: 360px;
    overflow-y: auto;
    padding: 3px;
  }
  .slot {
    width: 100%;
    border: 1px solid var(--_accent);
    color: var(--_accent-soft-text);
    font-weight: 600;
  }
  .slot:hover {
    background: var(--_accent-soft);
  }
  .slot[data-suggested] {
    background: var(--_accent);
    color: var(--_accent-text);
  }
  .durations {
    margin: 0 0 var(--_gap);
  }
  .durations button[aria-pressed='true'] {
    background: var(--_accent-soft);
    border-color: var(--_accent);
    color: var(--_accent-soft-text);
    font-weight: 600;
  }

  /* Time-zone picker */
  .zone {
    margin-block-start: var(--_gap);
    position: relative;
  }
  .zone-toggle {
    display: block;
    border: none;
    padding: 4px 0;
    min-height: 0;
    background: none;
    color: var(--_text);
    text-align: start;
  }
  .zone-panel {
    margin-block-start: 8px;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.6);
    background: var(--_bg);
    padding: 8px;
  }
  .zone-panel input {
    width: 100%;
  }
  [role='listbox'] {
    list-style: none;
    margin: 8px 0 0;
    padding: 0;
    max-height: 220px;
    overflow-y: auto;
  }
  [role='option'] {
    padding: 6px 8px;
    border-radius: 6px;
    cursor: pointer;
    display: flex;
    justify-content: space-between;
    gap: 8px;
  }
  [role='option'][data-active] {
    background: var(--_accent-soft);
    color: var(--_accent-soft-text);
    outline: 2px solid var(--_focus);
  }
  [role='option'][aria-selected='true'] {
    font-weight: 700;
  }

  /* Form */
  form {
    display: grid;
    gap: calc(var(--_gap) * 0.75);
    max-width: 520px;
  }
  label {
    display: block;
    font-weight: 600;
    margin-block-end: 4px;
  }
  .check label {
    display: inline;
    font-weight: 400;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: var(--_text);
    background: var(--_bg);
    border: 1px solid var(--_muted);
    border-radius: calc(var(--_radius) * 0.5);
    padding: 8px 10px;
    width: 100%;
  }
  input[type='checkbox'] {
    width: auto;
    margin-inline-end: 8px;
  }
  [aria-invalid='true'] {
    border-color: var(--_danger);
  }
  .field-error {
    color: var(--_danger);
    font-size: 0.9em;
    margin: 4px 0 0;
  }
  .summary {
    background: var(--_surface);
    border-radius: calc(var(--_radius) * 0.6);
    padding: 10px 12px;
    margin-block-end: var(--_gap);
  }
  .summary p {
    margin: 0;
  }

  /* Messages */
  .alert {
    border: 1px solid var(--_danger);
    background: var(--_danger-soft);
    color: var(--_text);
    border-radius: calc(var(--_radius) * 0.6);
    padding: 10px 12px;
    margin-block-end: var(--_gap);
  }
  .alert p {
    margin: 0 0 8px;
  }
  .alert p:last-child {
    margin: 0;
  }
  .success {
    color: var(--_success);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    clip-path: inset(50%);
    white-space: nowrap;
  }
  dl {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 6px 16px;
    margin: 0 0 var(--_gap);
  }
  dt {
    color: var(--_muted);
  }
  dd {
    margin: 0;
    font-weight: 600;
  }
  @container (max-width: 420px) {
    dl {
      grid-template-columns: 1fr;
    }
    dd {
      margin-block-end: 6px;
    }
  }

  /* Skeletons */
  .skeleton {
    display: block;
    background: var(--_skeleton);
    border-radius: 6px;
    animation: pulse 1.2s ease-in-out infinite;
  }
  .sk-title {
    height: 24px;
    width: 45%;
    margin-block-end: var(--_gap);
  }
  .sk-line {
    height: 14px;
    width: 70%;
    margin-block-end: 10px;
  }
  .sk-slot {
    height: 40px;
    margin-block-end: 8px;
  }
  .sk-grid {
    height: 240px;
  }
  @keyframes pulse {
    50% {
      opacity: 0.55;
    }
  }
  @keyframes fade-in {
    from {
      opacity: 0;
      transform: translateY(4px);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    *,
    .root {
      animation: none !important;
      transition: none !important;
    }
  }
`
