// User: find a user by id or email; show the current view, the view as of any point of the
// user's history (a slider over the applied events, read with ?asOf), the user's alerts and the
// events behind the view (/api/users/{id}/events).

import { ApiError, describe, get } from './api.js';
import { fill, h } from './dom.js';
import { kindLabel, time } from './format.js';

const PAGE = 500;

export function userPage(main, { params, query }) {
  const userId = params[0] ?? null;
  const input = h('input', {
    id: 'user-query', name: 'q', type: 'search', required: true, autocomplete: 'off',
    placeholder: 'u-00001 or someone@example.com', value: userId ?? '',
  });
  const message = h('p', { id: 'user-message', role: 'status' });
  const content = h('div', { id: 'user-content' });
  const form = h('form', { 'aria-label': 'Find a user', id: 'user-search' },
    h('label', { for: 'user-query' }, 'User id or email'),
    h('fieldset', { role: 'group' }, input, h('button', { type: 'submit', id: 'user-find' }, 'Find')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    if (!text.includes('@')) {
      location.hash = `#/users/${encodeURIComponent(text)}`;
      return;
    }
    message.textContent = 'Looking up the address…';
    try {
      const user = await get(`/api/users?email=${encodeURIComponent(text)}`);
      location.hash = `#/users/${encodeURIComponent(user.userId)}`;
    } catch (error) {
      message.textContent = error instanceof ApiError && error.status === 404
        ? `No user has the email ${text}.` : `Could not look up ${text}: ${describe(error)}`;
    }
  });
  fill(main, h('h1', null, 'User'), form, message, content);
  if (userId) {
    show(userId, query.get('asOf'), message, content);
  } else {
    input.focus();
  }
  return null;
}

async function show(userId, asOf, message, content) {
  message.textContent = `Loading ${userId}…`;
  let user;
  try {
    user = await get(`/api/users/${encodeURIComponent(userId)}`);
  } catch (error) {
    message.textContent = error instanceof ApiError && error.status === 404
      ? `No user ${userId}.` : `Could not load ${userId}: ${describe(error)}`;
    return;
  }
  message.textContent = '';
  const events = [];
  const history = h('section', { id: 'user-history', 'aria-labelledby': 'history-title' },
    h('h2', { id: 'history-title' }, 'As of'), h('p', { class: 'muted' }, 'Loading the history…'));
  const eventTable = h('section', { id: 'user-events', 'aria-labelledby': 'events-title' },
    h('h2', { id: 'events-title' }, 'Events'), h('p', { class: 'muted' }, 'Loading…'));
  const alerts = h('section', { id: 'user-alerts', 'aria-labelledby': 'alerts-title' },
    h('h2', { id: 'alerts-title' }, 'Alerts'), h('p', { class: 'muted' }, 'Loading…'));
  fill(content,
    h('section', { id: 'user-current', 'aria-labelledby': 'current-title' },
      h('h2', { id: 'current-title' }, `${user.displayName ?? user.userId} now`), view(user, 'current')),
    history, alerts, eventTable);

  get(`/api/users/${encodeURIComponent(userId)}/alerts`)
    .then((page) => fill(alerts, h('h2', { id: 'alerts-title' }, 'Alerts'), alertList(page.items)))
    .catch((error) => fill(alerts, h('h2', { id: 'alerts-title' }, 'Alerts'), h('p', { class: 'error' }, describe(error))));

  let cursor = null;
  const loadMore = async () => {
    const path = `/api/users/${encodeURIComponent(userId)}/events?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await get(path);
    events.push(...page.items);
    cursor = page.nextCursor;
    fill(eventTable, h('h2', { id: 'events-title' }, `Events (${events.length}${cursor ? '+' : ''})`),
      eventRows(events),
      cursor ? h('button', { type: 'button', class: 'secondary', onclick: () => loadMore().catch(report) }, 'Load more') : null);
    fill(history, h('h2', { id: 'history-title' }, 'As of'), slider(userId, events, asOf));
  };
  const report = (error) => fill(eventTable, h('h2', { id: 'events-title' }, 'Events'),
    h('p', { class: 'error' }, describe(error)));
  loadMore().catch((error) => {
    report(error);
    fill(history, h('h2', { id: 'history-title' }, 'As of'), h('p', { class: 'error' }, describe(error)));
  });
}

/** A slider over the user's applied events: each step is the view right after one of them. */
function slider(userId, events, asOf) {
  if (events.length === 0) return h('p', { class: 'muted' }, 'No event in the history retention.');
  const times = events.map((event) => event.occurredAt);
  let start = times.length - 1;
  if (asOf) {
    const wanted = Date.parse(asOf);
    const index = times.findLastIndex((at) => Date.parse(at) <= wanted);
    start = index < 0 ? 0 : index;
  }
  const range = h('input', {
    id: 'as-of', type: 'range', min: 0, max: times.length - 1, step: 1, value: start,
    'aria-describedby': 'as-of-time',
  });
  const output = h('output', { id: 'as-of-time', for: 'as-of' });
  const result = h('div', { id: 'as-of-view', 'aria-live': 'polite' });
  let asked = 0;
  const load = async () => {
    const index = Number(range.value);
    const at = asOf && index === start && Date.parse(asOf) >= Date.parse(times[index]) ? asOf : times[index];
    const event = events[index];
    output.textContent = `${time(at)} — after ${event.type} ${event.eventId}`;
    range.setAttribute('aria-valuetext', `${time(at)}, event ${index + 1} of ${times.length}`);
    const ask = ++asked;
    try {
      const user = await get(`/api/users/${encodeURIComponent(userId)}?asOf=${encodeURIComponent(at)}`);
      if (ask === asked) fill(result, view(user, 'as-of'));
    } catch (error) {
      if (ask === asked) fill(result, h('p', { class: 'error' }, describe(error)));
    }
  };
  range.addEventListener('input', load);
  load();
  return [
    h('label', { for: 'as-of' }, `The view after each of the ${times.length} events, oldest on the left`),
    range, h('p', null, output), result,
  ];
}

function view(user, name) {
  const rows = [
    ['User id', user.userId], ['Email', user.email], ['Display name', user.displayName], ['Status', user.status],
    ['Registered', time(user.registeredAt)], ['Updated', time(user.updatedAt)],
    ['Posts', user.postCount], ['Comments', user.commentCount], ['Events applied', user.eventsApplied],
  ];
  return h('dl', { class: 'facts', 'data-view': name },
    rows.map(([label, value]) => [h('dt', null, label),
      h('dd', { 'data-field': label.toLowerCase().replace(/ /g, '-') }, value ?? '–')]));
}

function alertList(items) {
  if (items.length === 0) return h('p', { class: 'muted' }, 'No alert.');
  return h('ul', null, items.map((alert) => h('li', null,
    h('span', { class: `kind kind-${alert.kind}` }, kindLabel(alert.kind)), ' ',
    `${time(alert.detectedAt)} · ${alert.failureCount} failures from ${(alert.sourceIps ?? []).join(', ')} `,
    h('a', { href: `#/users/${encodeURIComponent(alert.userId ?? '')}?asOf=${encodeURIComponent(alert.detectedAt)}` },
      'as of then'))));
}

function eventRows(events) {
  if (events.length === 0) return h('p', { class: 'muted' }, 'No event in the history retention.');
  return h('div', { class: 'overflow-auto' }, h('table', { class: 'striped' },
    h('thead', null, h('tr', null, ['Time', 'Type', 'Event id', 'Origin', 'Fields'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, [...events].reverse().map((event) => h('tr', null,
      h('td', null, time(event.occurredAt)),
      h('td', null, event.type),
      h('td', null, h('code', null, event.eventId)),
      h('td', null, `${event.origin.topic}/${event.origin.partition}@${event.origin.offset}`),
      h('td', null, h('code', { class: 'fields' }, JSON.stringify(event.fields))))))));
}
