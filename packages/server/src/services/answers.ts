import { type Answers, MAX_ANSWERS_BYTES } from '@slotkit/core/api'
import type { Question } from '../db/schema'
import { invalidField } from '../http/api-error'

const PHONE = /^\+?[0-9 ().-]{3,32}$/

/**
 * Checks an invitee's answers against the meeting type's questions: only known
 * ids, every required one present, the right type, select values among the
 * options, phone numbers that look like one, 10 KB in total. 400 names the field.
 */
export function validateAnswers(questions: readonly Question[], answers: Answers): Answers {
  const size = Buffer.byteLength(JSON.stringify(answers), 'utf8')
  if (size > MAX_ANSWERS_BYTES)
    throw invalidField('answers', `must be at most ${MAX_ANSWERS_BYTES} bytes of JSON, got ${size}`)
  const byId = new Map(questions.map((q) => [q.id, q]))
  for (const id of Object.keys(answers)) {
    if (!byId.has(id)) throw invalidField(`answers.${id}`, 'is not a question of this meeting type')
  }
  for (const question of questions) {
    const field = `answers.${question.id}`
    const value = answers[question.id]
    const empty =
      value === undefined || value === '' || (Array.isArray(value) && value.length === 0)
    if (empty) {
      if (question.required) throw invalidField(field, `is required (${question.label})`)
      continue
    }
    switch (question.type) {
      case 'checkbox':
        if (typeof value !== 'boolean') throw invalidField(field, 'must be true or false')
        if (question.required && value !== true)
          throw invalidField(field, `must be checked (${question.label})`)
        break
      case 'select': {
        const picked = Array.isArray(value) ? value : [value]
        for (const choice of picked) {
          if (typeof choice !== 'string' || !(question.options ?? []).includes(choice)) {
            throw invalidField(field, `must be one of: ${(question.options ?? []).join(', ')}`)
          }
        }
        break
      }
      case 'phone':
        if (typeof value !== 'string' || !PHONE.test(value))
          throw invalidField(field, 'must be a phone number')
        break
      default:
        if (typeof value !== 'string') throw invalidField(field, 'must be text')
        if (question.type === 'text' && value.length > 1000)
          throw invalidField(field, 'must be at most 1000 characters')
    }
  }
  return answers
}
