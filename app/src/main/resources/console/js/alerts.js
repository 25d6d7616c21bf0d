// Alerts: the newest alerts, then a live feed over /api/alerts/stream. Each alert opens into its
// episode: the triggering events, the detector settings that applied, and links to the user as of
// the alert's time.

import { describe, get, stream } from './api.js';
import { fill, h, s } from './dom.js';
import { kindLabel, seconds, time } from './format.js';

const KINDS = ['REPEATED_LOGIN_FAILURE', 'FAILURES_THEN_SUCCESS', 'CREDENTIAL_STUFFING'];
const SHOWN = 200;
const KEPT = 2000;

let detection = null;

/** The detectors' settings, from /api/topology; fetched once. */
export async function detectionSettings() {
  if (detection === null) detection = (await get('/api/topology')).detection;
  return detection;
}

export function alertsPage(main) {
  const alerts = new Map();
  // One card per alert, kept across renders, so an opened episode stays open as new alerts arrive.
  const cards = new Map();
  const cardOf = (alert) => {
    if (!cards.has(alert.alertId)) cards.set(alert.alertId, alertCard(alert));
    return cards.get(alert.alertId);
  };
  const kind = h('select', { id: 'filter-kind', name: 'kind' },
    h('option', { value: '' }, 'All kinds'),
    KINDS.map((value) => h('option', { value }, kindLabel(value))));
  const user = h('input', { id: 'filter-user', name: 'user', type: 'search', autocomplete: 'off', placeholder: 'u-00001' });
  const address = h('input', { id: 'filter-address', name: 'address', type: 'search', autocomplete: 'off', placeholder: '203.0.113.7' });
  const state = h('p', { id: 'feed-state', role: 'status', class: 'feed-state' }, 'Connecting…');
  const list = h('div', { id: 'alert-list' });
  const count = h('p', { id: 'alert-count', class: 'muted' });

  fill(main,
    h('h1', null, 'Alerts'),
    h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter alerts', onsubmit: (e) => e.preventDefault() },
      h('div', { class: 'grid' },
        h('label', { for: 'filter-kind' }, 'Kind', kind),
        h('label', { for: 'filter-user' }, 'User', user),
        h('label', { for: 'filter-address' }, 'Address', address))),
    state, count, list);

  const matches = (alert) => {
    const who = user.value.trim().toLowerCase();
    const where = address.value.trim().toLowerCase();
    return (!kind.value || alert.kind === kind.value)
      && (!who || [alert.userId, ...(alert.userIds ?? [])].some((id) => id && id.toLowerCase().includes(who)))
      && (!where || [alert.sourceIp, ...(alert.sourceIps ?? [])].some((ip) => ip && ip.toLowerCase().includes(where)));
  };

  const render = () => {
    const sorted = [...alerts.values()].sort((a, b) => b.detectedAt.localeCompare(a.detectedAt)
      || a.alertId.localeCompare(b.alertId));
    const shown = sorted.filter(matches).slice(0, SHOWN);
    count.textContent = `${shown.length} shown of ${alerts.size} alerts`;
    fill(list, shown.length === 0 ? h('p', { class: 'muted' }, 'No alert matches.') : shown.map(cardOf));
  };
  for (const control of [kind, user, address]) control.addEventListener('input', render);

  const add = (alert) => {
    if (alerts.has(alert.alertId)) return false;
    alerts.set(alert.alertId, alert);
    if (alerts.size > KEPT) {
      // A console left open for days keeps the newest alerts only.
      const oldest = [...alerts.values()].sort((a, b) => a.detectedAt.localeCompare(b.detectedAt))
        .slice(0, alerts.size - KEPT);
      for (const old of oldest) {
        alerts.delete(old.alertId);
        cards.delete(old.alertId);
      }
    }
    return true;
  };

  get(`/api/alerts?limit=${SHOWN}`)
    .then((page) => {
      page.items.forEach(add);
      render();
    })
    .catch((error) => fill(list, h('p', { class: 'error', role: 'alert' }, `Could not load alerts: ${describe(error)}`)));

  const stop = stream('/api/alerts/stream', (name, data) => {
    if (name !== 'alert') return;
    if (add(JSON.parse(data))) render();
  }, (value) => {
    state.dataset.state = value;
    state.textContent = {
      connecting: 'Connecting to the live feed…',
      live: 'Live: new alerts appear as they are raised.',
      reconnecting: 'Reconnecting; alerts raised meanwhile will follow.',
      refused: 'The live feed needs an API key with the scope read:alerts.',
    }[value];
  });
  return stop;
}

function alertCard(alert) {
  const subject = alert.userId ?? alert.sourceIp;
  const body = h('div', { class: 'episode' }, h('p', { class: 'muted' }, 'Loading the episode…'));
  const details = h('details', { class: 'alert', 'data-alert-id': alert.alertId, 'data-kind': alert.kind },
    h('summary', null,
      h('span', { class: `kind kind-${alert.kind}` }, kindLabel(alert.kind)), ' ',
      h('strong', null, subject), ' ',
      h('span', { class: 'muted' }, `${alert.failureCount} failures · ${time(alert.detectedAt)}`)),
    body);
  details.addEventListener('toggle', () => {
    if (details.open && !body.dataset.filled) {
      body.dataset.filled = 'yes';
      detectionSettings()
        .then((settings) => fill(body, episode(alert, settings)))
        .catch((error) => fill(body, episode(alert, null), h('p', { class: 'error' }, describe(error))));
    }
  });
  return details;
}

/** The episode of an alert: what triggered it, when, from where, and by which rule. */
function episode(alert, settings) {
  const spanSeconds = (Date.parse(alert.lastEventAt) - Date.parse(alert.firstEventAt)) / 1000;
  const users = alert.userIds?.length ? alert.userIds : [alert.userId].filter(Boolean);
  return [
    h('dl', { class: 'facts' },
      h('dt', null, 'Alert id'), h('dd', null, h('code', null, alert.alertId)),
      h('dt', null, 'First triggering event'), h('dd', null, time(alert.firstEventAt)),
      h('dt', null, 'Last triggering event'), h('dd', null, `${time(alert.lastEventAt)} (${seconds(spanSeconds)} later)`),
      h('dt', null, 'Raised at (event time)'), h('dd', null, time(alert.detectedAt)),
      h('dt', null, 'Addresses'), h('dd', null, (alert.sourceIps ?? []).join(', ') || '–'),
      h('dt', null, 'Rule'), h('dd', null, rule(alert.kind, settings))),
    timeline(alert, settings),
    h('h4', null, `Triggering events (${alert.triggeringEventIds.length})`),
    h('ol', { class: 'event-ids' }, alert.triggeringEventIds.map((id, i) => h('li', null,
      h('code', null, id),
      alert.kind === 'CREDENTIAL_STUFFING' && alert.userIds?.[i] ? ` · ${alert.userIds[i]}` : '',
      i === 0 ? ` · ${time(alert.firstEventAt)}` : '',
      i === alert.triggeringEventIds.length - 1 ? ` · ${time(alert.lastEventAt)}` : ''))),
    h('p', null, users.map((id) => h('a', {
      href: `#/users/${encodeURIComponent(id)}?asOf=${encodeURIComponent(alert.detectedAt)}`,
      class: 'as-of-link', role: 'button',
    }, `Open ${id} as of ${time(alert.detectedAt)}`))),
  ];
}

function rule(kind, settings) {
  if (!settings) return 'unknown (the topology could not be read)';
  const windowText = seconds(settings.failureWindowSeconds);
  switch (kind) {
    case 'REPEATED_LOGIN_FAILURE':
      return `${settings.failureThreshold} failed logins of one user within ${windowText}; one alert per episode`;
    case 'FAILURES_THEN_SUCCESS':
      return `a successful login within ${seconds(settings.takeoverWindowSeconds)} of ${settings.failureThreshold} failures within ${windowText}`;
    case 'CREDENTIAL_STUFFING':
      return `${settings.stuffingThreshold} distinct users failing from one address within ${windowText}`;
    default:
      return kind;
  }
}

/** The episode on a time axis: the span of its events inside the detector's window. */
function timeline(alert, settings) {
  const first = Date.parse(alert.firstEventAt);
  const last = Date.parse(alert.lastEventAt);
  const windowMs = settings ? settings.failureWindowSeconds * 1000 : Math.max(last - first, 1000);
  const extent = Math.max(windowMs, last - first, 1000);
  const width = 600;
  const x = (at) => 10 + ((at - first) / extent) * (width - 20);
  const label = `Events from ${time(alert.firstEventAt)} to ${time(alert.lastEventAt)}`
    + (settings ? ` inside a window of ${seconds(settings.failureWindowSeconds)}` : '');
  return s('svg', { class: 'timeline', viewBox: `0 0 ${width} 54`, role: 'img', 'aria-label': label },
    s('title', null, label),
    settings ? s('rect', { class: 'window', x: 10, y: 14, width: width - 20, height: 14 }) : null,
    s('line', { class: 'span', x1: x(first), x2: x(last), y1: 21, y2: 21 }),
    s('circle', { class: 'event', cx: x(first), cy: 21, r: 5 }),
    s('circle', { class: 'event', cx: x(last), cy: 21, r: 5 }),
    s('text', { x: 10, y: 46 }, time(alert.firstEventAt)),
    s('text', { x: width - 10, y: 46, 'text-anchor': 'end' },
      settings ? `window ${seconds(settings.failureWindowSeconds)}` : time(alert.lastEventAt)));
}
