/** Where the staff console is served: the API stage's URL and console/. */
export const consoleUrlOf = (apiBaseUrl: string) => `${apiBaseUrl}console/`;

/** Where staff see one case: its page in the staff console (`{caseId}` is filled in). */
export const caseUrlTemplate = (consoleUrl: string) => `${consoleUrl}cases/{caseId}`;

/** Where staff see many: the console's case list, filtered as the digest's section is. */
export const caseListUrlTemplate = (consoleUrl: string) => `${consoleUrl}cases?status={status}&marketplace={marketplaceId}`;
