export type { ErrorCode, SlotRejectionReason } from './codes'
export { ERROR_CODES, isErrorCode, SLOT_REJECTION_REASONS } from './codes'
export { isSchedulingError, SchedulingError } from './scheduling-error'
