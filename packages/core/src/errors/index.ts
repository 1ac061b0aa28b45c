export { ERROR_CODES, SLOT_REJECTION_REASONS, isErrorCode } from './codes'
export type { ErrorCode, SlotRejectionReason } from './codes'
export { SchedulingError, isSchedulingError } from './scheduling-error'
