// Makes this thread's Date read the local cloud's clock: [rate, virtual ms, real ms when set],
// shared with the main thread (see virtual-clock.ts). Returns the real clock, for real timeouts.
export function installVirtualDate(clockBuffer) {
  const clock = new Float64Array(clockBuffer);
  const SystemDate = globalThis.Date;
  const systemNow = SystemDate.now.bind(SystemDate);
  const virtualNow = () => clock[1] + (systemNow() - clock[2]) * clock[0];

  class VirtualDate extends SystemDate {
    constructor(...args) {
      if (args.length === 0) super(virtualNow());
      else super(...args);
    }
    static now() {
      return virtualNow();
    }
  }
  globalThis.Date = VirtualDate;
  return systemNow;
}

/** A reader of the local cloud's clock, for a thread whose Date stays the system's. */
export function virtualNow(clockBuffer) {
  const clock = new Float64Array(clockBuffer);
  return () => clock[1] + (Date.now() - clock[2]) * clock[0];
}
