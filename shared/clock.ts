/**
 * The one source of "now" for domain and handler code. In AWS it is the system clock; the
 * local cloud runs handlers on a virtual clock by making the runtime's Date virtual.
 */
export function now(): Date {
  return new Date();
}
