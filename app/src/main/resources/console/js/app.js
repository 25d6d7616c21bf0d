// The console: a page per hash route (#/alerts, #/users/<id>?asOf=…, #/topology, #/health,
// #/dead-letters). Each page renders into <main> and returns a function that stops its timers and
// streams when another page opens.

import { apiKey, setApiKey } from './api.js';
import { alertsPage } from './alerts.js';
import { userPage } from './user.js';
import { topologyPage } from './topology.js';
import { healthPage } from './health.js';
import { deadLettersPage } from './dead-letters.js';

const PAGES = {
  alerts: { title: 'Alerts', render: alertsPage },
  users: { title: 'User', render: userPage },
  topology: { title: 'Topology', render: topologyPage },
  health: { title: 'Health', render: healthPage },
  'dead-letters': { title: 'Dead letters', render: deadLettersPage },
};

let stopPage = null;

function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query] = hash.split('?');
  const [name, ...rest] = path.split('/').filter((part) => part !== '');
  const key = PAGES[name] ? name : 'alerts';
  const page = PAGES[key];
  if (stopPage) stopPage();
  for (const link of document.querySelectorAll('nav a[data-page]')) {
    if (link.dataset.page === key) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${page.title} · Lookout`;
  const main = document.getElementById('main');
  main.replaceChildren();
  stopPage = page.render(main, {
    params: rest.map(decodeURIComponent),
    query: new URLSearchParams(query ?? ''),
  }) ?? null;
}

function keyDialog() {
  const dialog = document.getElementById('key-dialog');
  const input = document.getElementById('key-input');
  const reason = document.getElementById('key-reason');
  const open = (message) => {
    if (dialog.open) return;
    if (message) reason.textContent = `${message} The console keeps the key in this browser and sends it with each call.`;
    input.value = apiKey() ?? '';
    dialog.showModal();
    input.focus();
  };
  document.getElementById('key-button').addEventListener('click', () => open(null));
  document.getElementById('key-form').addEventListener('submit', () => {
    setApiKey(input.value.trim());
    route();
  });
  document.getElementById('key-forget').addEventListener('click', () => {
    setApiKey(null);
    input.value = '';
    dialog.close();
    route();
  });
  document.getElementById('key-cancel').addEventListener('click', () => dialog.close());
  document.addEventListener('lookout:key-needed', (event) => open(event.detail));
}

keyDialog();
window.addEventListener('hashchange', route);
route();
