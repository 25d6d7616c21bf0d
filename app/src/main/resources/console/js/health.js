// Health: for each instance, its state, restoration, standby lag, lag per input partition in
// records and in seconds of event time, and an events/s sparkline from the instance's own ring
// buffer of samples (/api/status).

import uPlot from '/webjars/uplot/1.6.30/dist/uPlot.esm.js';
import { describe, get } from './api.js';
import { fill, h } from './dom.js';
import { number, seconds } from './format.js';

const REFRESH_MS = 2000;

export function healthPage(main) {
  const state = h('p', { id: 'health-state', role: 'status', class: 'muted' }, 'Loading…');
  const cards = h('div', { id: 'health-instances' });
  fill(main, h('h1', null, 'Health'), state, cards);
  const charts = new Map();
  let timer = null;
  let stopped = false;

  const refresh = async () => {
    try {
      const answer = await get('/api/status');
      const instances = answer.items;
      state.textContent = `${instances.length} instance${instances.length === 1 ? '' : 's'}`
        + (answer.partial ? `; not answering: ${(answer.unreachableInstances ?? []).join(', ') || 'none'}`
          + `; partitions without an instance: ${(answer.missingPartitions ?? []).join(', ') || 'none'}` : '')
        + `. Refreshed every ${REFRESH_MS / 1000} s.`;
      const seen = new Set();
      for (const instance of instances) {
        seen.add(instance.instance);
        let entry = charts.get(instance.instance);
        if (!entry) {
          entry = card(instance.instance);
          charts.set(instance.instance, entry);
          cards.append(entry.element);
        }
        entry.update(instance);
      }
      for (const [name, entry] of charts) {
        if (!seen.has(name)) {
          entry.element.remove();
          entry.chart?.destroy();
          charts.delete(name);
        }
      }
    } catch (error) {
      state.textContent = `Could not read the status: ${describe(error)}`;
    }
    if (!stopped) timer = setTimeout(refresh, REFRESH_MS);
  };
  refresh();
  return () => {
    stopped = true;
    clearTimeout(timer);
    for (const entry of charts.values()) entry.chart?.destroy();
  };
}

function card(name) {
  const id = `instance-${name.replace(/[^a-zA-Z0-9]/g, '-')}`;
  const summary = h('p', { class: 'summary' });
  const behind = h('p', { class: 'behind', 'data-role': 'behind' });
  const restoring = h('div');
  const spark = h('div', { class: 'sparkline', role: 'img', 'aria-label': 'Input events per second, last five minutes' });
  const sparkCaption = h('p', { class: 'muted' });
  const inputs = h('div', { class: 'overflow-auto' });
  const standbys = h('div');
  const counters = h('div');
  const element = h('article', { class: 'instance', id, 'aria-labelledby': `${id}-title` },
    h('header', null, h('h2', { id: `${id}-title` }, name), summary),
    behind, restoring,
    h('h3', null, 'Input events per second'), spark, sparkCaption,
    h('h3', null, 'Lag per input partition'), inputs,
    h('h3', null, 'Standby replicas'), standbys,
    h('h3', null, 'Counted since start'), counters);
  const entry = { element, chart: null };
  entry.update = (status) => {
    summary.textContent = `${status.state}${status.ready ? ', ready' : ', not ready'}`;
    summary.dataset.ready = status.ready;
    const known = status.inputs.filter((input) => input.lagSeconds !== null);
    const worst = known.reduce((max, input) => Math.max(max, input.lagSeconds), 0);
    const records = status.inputs.reduce((sum, input) => sum + Math.max(0, input.lagRecords), 0);
    behind.textContent = status.inputs.length === 0 ? 'No input partition assigned.'
      : records === 0 ? 'The read model is up to date.'
        : `The read model is ${seconds(worst)} behind (${number(records)} records).`;
    fill(restoring, status.restoring.length === 0 ? null : [
      h('h3', null, 'Restoring'),
      status.restoring.map((store) => h('label', null, `${store.store}: ${number(store.restored)} of ${number(store.total)}`,
        h('progress', { value: store.restored, max: Math.max(store.total, 1) }))),
    ]);
    fill(inputs, status.inputs.length === 0 ? h('p', { class: 'muted' }, 'None.')
      : h('table', { class: 'striped' },
        h('thead', null, h('tr', null, ['Topic', 'Partition', 'Lag (records)', 'Lag (event time)'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, status.inputs.map((input) => h('tr', null,
          h('td', null, input.topic), h('td', null, input.partition),
          h('td', null, input.lagRecords < 0 ? '–' : number(input.lagRecords)),
          h('td', null, input.lagSeconds === null ? '–' : seconds(input.lagSeconds)))))));
    fill(standbys, status.standbys.length === 0 ? h('p', { class: 'muted' }, 'None on this instance.')
      : h('ul', null, status.standbys.map((standby) => h('li', null,
        `${standby.store} partition ${standby.partition}: ${number(standby.offsetLag)} records behind`))));
    const entries = (map) => Object.entries(map ?? {}).map(([key, value]) => `${key} ${number(value)}`).join(', ') || 'none';
    const dead = status.deadLetters.reduce((sum, d) => sum + d.count, 0);
    fill(counters, h('ul', null,
      h('li', null, `Alerts: ${entries(status.alerts)}`),
      h('li', null, `Duplicates dropped: ${entries(status.duplicates)}`),
      h('li', null, `Dead letters: ${number(dead)}`)));
    const xs = status.eventsPerSecond.map((sample) => Date.parse(sample.at) / 1000);
    const ys = status.eventsPerSecond.map((sample) => sample.value);
    const last = ys.length ? ys[ys.length - 1] : null;
    sparkCaption.textContent = ys.length === 0 ? 'No sample yet.'
      : `Now ${number(last)}/s; peak ${number(Math.max(...ys))}/s over ${ys.length} s.`;
    if (!entry.chart) {
      entry.chart = new uPlot({
        width: 560, height: 120, legend: { show: false }, cursor: { show: false },
        scales: { x: { time: true } },
        axes: [{ size: 30 }, { size: 50 }],
        series: [{}, { label: 'events/s', stroke: '#1e88e5', fill: 'rgba(30,136,229,0.15)', width: 1.5 }],
      }, [xs, ys], spark);
    } else {
      entry.chart.setData([xs, ys]);
    }
  };
  return entry;
}
