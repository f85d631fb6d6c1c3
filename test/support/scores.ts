/** The stay-down figures of a marketplace whose cases were never blocked. */
export const NO_STAYDOWN = {
  listingsRemoved: 0,
  listingsRemovedWithin2Wd: 0,
  listingsRemovedWithin2WdPct: null,
  staydownChecks: 0,
  staydownChecksDue: 0,
  staydownAnsweredOnTime: 0,
  staydownAnsweredOnTimePct: null,
  everBlocked: 0,
  relisted: 0,
  reappearanceRatePct: null,
  medianHoursToReRemoval: null,
};
