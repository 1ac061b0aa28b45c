import { html, nothing, type TemplateResult } from 'lit'
import type { Question } from '../types'

/** A text-like input of the booking form. */
export interface InputFieldProps {
  /** Element id, and the key the form's input handler stores the value under (`data-key`). */
  readonly key: string
  readonly label: string
  readonly type: 'text' | 'email' | 'tel'
  readonly required: boolean
  readonly value: string | boolean | undefined
  /** The message under the field, or undefined when it is valid. */
  readonly error: string | undefined
  readonly autocomplete?: string | undefined
  readonly maxLength: number
}

function labelFor(key: string, label: string, required: boolean): TemplateResult {
  return html`<label for=${key} part="label">
    ${label}${required ? html` <span aria-hidden="true">*</span>` : nothing}
  </label>`
}

function errorFor(key: string, error: string | undefined): TemplateResult | typeof nothing {
  return error ? html`<p class="field-error" id=${`${key}-error`}>${error}</p>` : nothing
}

/**
 * A labelled input. An error sets `aria-invalid` and is tied to the input with
 * `aria-describedby`, so a screen reader reads it with the field.
 */
export function renderInputField(p: InputFieldProps): TemplateResult {
  return html`<div part="field">
    ${labelFor(p.key, p.label, p.required)}
    <input
      id=${p.key}
      name=${p.key}
      data-key=${p.key}
      part="input"
      type=${p.type}
      maxlength=${p.maxLength}
      autocomplete=${p.autocomplete ?? nothing}
      ?required=${p.required}
      aria-required=${p.required ? 'true' : 'false'}
      aria-invalid=${p.error ? 'true' : 'false'}
      aria-describedby=${p.error ? `${p.key}-error` : nothing}
      .value=${typeof p.value === 'string' ? p.value : ''}
    />
    ${errorFor(p.key, p.error)}
  </div>`
}

/** The form control for one of the meeting type's questions (`q-<id>`). */
export function renderQuestionField(
  q: Question,
  value: string | boolean | undefined,
  error: string | undefined,
): TemplateResult {
  const key = `q-${q.id}`
  const invalid = error ? 'true' : 'false'
  const describedby = error ? `${key}-error` : nothing
  switch (q.type) {
    case 'textarea':
      return html`<div part="field">
        ${labelFor(key, q.label, q.required)}
        <textarea
          id=${key}
          data-key=${key}
          part="input"
          rows="3"
          maxlength="5000"
          ?required=${q.required}
          aria-invalid=${invalid}
          aria-describedby=${describedby}
          .value=${typeof value === 'string' ? value : ''}
        ></textarea>
        ${errorFor(key, error)}
      </div>`
    case 'select':
      return html`<div part="field">
        ${labelFor(key, q.label, q.required)}
        <select
          id=${key}
          data-key=${key}
          part="input"
          ?required=${q.required}
          aria-invalid=${invalid}
          aria-describedby=${describedby}
        >
          <option value="" ?selected=${!value}>—</option>
          ${(q.options ?? []).map(
            (o: string) => html`<option value=${o} ?selected=${value === o}>${o}</option>`,
          )}
        </select>
        ${errorFor(key, error)}
      </div>`
    case 'checkbox':
      return html`<div part="field" class="check">
        <input
          type="checkbox"
          id=${key}
          data-key=${key}
          part="input"
          ?required=${q.required}
          aria-invalid=${invalid}
          aria-describedby=${describedby}
          .checked=${value === true}
        />
        ${labelFor(key, q.label, q.required)} ${errorFor(key, error)}
      </div>`
    default:
      return renderInputField({
        key,
        label: q.label,
        type: q.type === 'phone' ? 'tel' : 'text',
        required: q.required,
        value,
        error,
        autocomplete: q.type === 'phone' ? 'tel' : undefined,
        maxLength: q.type === 'phone' ? 64 : 2000,
      })
  }
}
