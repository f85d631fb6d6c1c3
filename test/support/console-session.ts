/**
 * Signs in to the staff console over plain HTTP, as a browser would: the console's sign-in, the
 * identity provider's form, the callback. Returns a fetch that carries the session's cookies.
 */
export async function consoleSession(consoleUrl: string, user: { username: string; password: string }): Promise<typeof fetch> {
  const jar = new Map<string, string>();
  const keep = (response: Response) => {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair!.indexOf('=');
      const [name, value] = [pair!.slice(0, at), pair!.slice(at + 1)];
      if (value && !/max-age=0/i.test(cookie)) jar.set(name, value);
      else jar.delete(name);
    }
    return response;
  };
  const send = async (url: string | URL, init: RequestInit = {}) =>
    keep(
      await fetch(url, {
        ...init,
        redirect: 'manual',
        headers: { ...(init.headers as Record<string, string>), cookie: [...jar].map(([n, v]) => `${n}=${v}`).join('; ') },
      }),
    );
  /** Follows redirects by hand (each host's cookies are kept), until a page answers. */
  const follow = async (response: Response, from: string | URL): Promise<{ response: Response; url: URL }> => {
    let url = new URL(from);
    while (response.status >= 300 && response.status < 400) {
      url = new URL(response.headers.get('location')!, url);
      response = await send(url);
    }
    return { response, url };
  };
  const start = new URL('sign-in/start?return=cases', consoleUrl);
  const login = await follow(await send(start), start);
  const action = /<form method="post" action="([^"]+)"/.exec(await login.response.text())?.[1];
  if (!action) throw new Error(`the identity provider showed no sign-in form at ${login.url.href}`);
  const posted = new URL(action, login.url);
  const signedIn = await follow(
    await send(posted, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: user.username, password: user.password }).toString(),
    }),
    posted,
  );
  if (!signedIn.url.href.startsWith(consoleUrl) || signedIn.response.status !== 200)
    throw new Error(`sign-in ended at ${signedIn.url.href} (${signedIn.response.status})`);
  return ((url: string | URL, init?: RequestInit) => send(url, init)) as typeof fetch;
}
