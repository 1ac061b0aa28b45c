import { ERROR_CODES as CORE_ERROR_CODES, SLOT_REJECTION_REASONS } from '@slotkit/core'
import { describe, expect, test } from 'vitest'
import { ERROR_CODES } from './error-codes'
import {
  isSlotkitAbortError,
  isSlotkitApiError,
  isSlotkitNetworkError,
  isSlotkitTimeoutError,
  isSlotUnavailableError,
  SlotkitAbortError,
  SlotkitApiError,
  SlotkitNetworkError,
  SlotkitTimeoutError,
  type SlotRejectionReason,
  SlotUnavailableError,
  toSlot,
} from './index'

describe('error codes', () => {
  test("the client's copy of the code list is core's list, in order", () => {
    expect([...ERROR_CODES]).toEqual([...CORE_ERROR_CODES])
  })

  test('every rejection reason of core is a SlotRejectionReason here', () => {
    const reasons: readonly SlotRejectionReason[] = SLOT_REJECTION_REASONS
    expect(reasons.length).toBeGreaterThan(0)
  })
})

describe('error classes', () => {
  test('client-only errors carry status 0 and their code', () => {
    expect(new SlotkitNetworkError('down')).toMatchObject({ status: 0, code: 'NETWORK_ERROR' })
    expect(new SlotkitTimeoutError(250)).toMatchObject({
      status: 0,
      code: 'TIMEOUT',
      timeoutMs: 250,
      message: 'Request timed out after 250 ms',
    })
    expect(new SlotkitAbortError('bye')).toMatchObject({ status: 0, code: 'ABORTED', cause: 'bye' })
  })

  test('every class is a SlotkitApiError and an Error, with its own name', () => {
    const errors = [
      new SlotkitApiError(404, 'NOT_FOUND', 'No such booking'),
      new SlotUnavailableError('Taken', 'CONFLICT', []),
      new SlotkitNetworkError('down'),
      new SlotkitTimeoutError(1),
      new SlotkitAbortError(undefined),
    ]
    expect(errors.map((error) => error.name)).toEqual([
      'SlotkitApiError',
      'SlotUnavailableError',
      'SlotkitNetworkError',
      'SlotkitTimeoutError',
      'SlotkitAbortError',
    ])
    for (const error of errors) {
      expect(error).toBeInstanceOf(Error)
      expect(isSlotkitApiError(error)).toBe(true)
    }
  })

  test('SlotUnavailableError parses its alternatives into instants', () => {
    const error = new SlotUnavailableError('Too soon', 'TOO_SOON', [
      { start: '2027-10-31T01:30:00+01:00', end: '2027-10-31T02:00:00+01:00' },
    ])
    expect(error.alternatives[0]).toEqual({
      start: '2027-10-31T01:30:00+01:00',
      end: '2027-10-31T02:00:00+01:00',
      startsAt: Date.UTC(2027, 9, 31, 0, 30),
      endsAt: Date.UTC(2027, 9, 31, 1, 0),
    })
  })
})

describe('type guards', () => {
  test('recognise errors thrown by another copy of the package (ESM next to CJS)', () => {
    // What `instanceof` cannot see: same name and fields, different class.
    const foreign = Object.assign(new Error('Taken'), {
      name: 'SlotUnavailableError',
      status: 409,
      code: 'SLOT_UNAVAILABLE',
      reason: 'CONFLICT',
      alternatives: [],
    })
    expect(foreign instanceof SlotkitApiError).toBe(false)
    expect(isSlotkitApiError(foreign)).toBe(true)
    expect(isSlotUnavailableError(foreign)).toBe(true)
  })

  test('reject lookalikes and other errors', () => {
    expect(isSlotkitApiError(new Error('x'))).toBe(false)
    expect(isSlotkitApiError({ name: 'SlotkitApiError', status: 400, code: 'NOT_FOUND' })).toBe(
      false,
    )
    expect(
      isSlotkitApiError(Object.assign(new Error('x'), { status: 400, code: 'NOT_FOUND' })),
    ).toBe(false)
    expect(isSlotkitApiError(undefined)).toBe(false)
    expect(isSlotUnavailableError(new SlotkitApiError(409, 'CONFLICT', 'x'))).toBe(false)
  })

  test('each client-only guard matches only its own code', () => {
    const network = new SlotkitNetworkError('down')
    const timeout = new SlotkitTimeoutError(1)
    const aborted = new SlotkitAbortError(undefined)
    expect([network, timeout, aborted].map(isSlotkitNetworkError)).toEqual([true, false, false])
    expect([network, timeout, aborted].map(isSlotkitTimeoutError)).toEqual([false, true, false])
    expect([network, timeout, aborted].map(isSlotkitAbortError)).toEqual([false, false, true])
  })
})

describe('toSlot', () => {
  test('parses the offsets of a half-hour zone (Asia/Kolkata, +05:30)', () => {
    expect(
      toSlot({ start: '2027-03-09T09:30:00+05:30', end: '2027-03-09T10:00:00+05:30' }),
    ).toEqual({
      start: '2027-03-09T09:30:00+05:30',
      end: '2027-03-09T10:00:00+05:30',
      startsAt: Date.UTC(2027, 2, 9, 4, 0),
      endsAt: Date.UTC(2027, 2, 9, 4, 30),
    })
  })
})
