import { useId } from 'react';
import type { Adoption } from './admin-api';

const dayMonth = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const fullDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

// Chart geometry in SVG user units; the drawing scales to the card's width (CSS).
const width = 420;
const height = 200;
const margin = { top: 12, right: 8, bottom: 30, left: 34 };
const plotWidth = width - margin.left - margin.right;
const plotHeight = height - margin.top - margin.bottom;

/** A calendar day ("2026-11-23") is that day wherever the reader is, not UTC midnight shifted. */
function parseDay(value: string): Date {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return day ? new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])) : new Date(value);
}

export function formatWeek(weekStart: string): string {
  const date = parseDay(weekStart);
  return Number.isNaN(date.getTime()) ? weekStart : dayMonth.format(date);
}

function formatWeekLong(weekStart: string): string {
  const date = parseDay(weekStart);
  return Number.isNaN(date.getTime()) ? weekStart : fullDate.format(date);
}

export function percentOf(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 100);
}

/**
 * M4 as a picture: one bar per week, the whole bar the members, the filled part those with
 * two-factor authentication on. Screen readers get the title and a summary; the same numbers
 * follow as a table.
 */
export function AdoptionChart({ weekly }: { weekly: Adoption['weekly'] }) {
  const titleId = useId();
  const descriptionId = useId();
  const maximum = Math.max(1, ...weekly.map((week) => week.members));
  const slot = plotWidth / Math.max(1, weekly.length);
  const barWidth = Math.max(4, slot * 0.62);
  const y = (value: number) => margin.top + plotHeight - (value / maximum) * plotHeight;
  const first = weekly[0];
  const last = weekly.at(-1);
  // Every other week is labelled when there are many, so the labels never overlap.
  const labelEvery = weekly.length > 8 ? 2 : 1;
  const ticks = [0, Math.round(maximum / 2), maximum].filter((value, index, all) => all.indexOf(value) === index);

  return (
    <figure className="adoption-chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${titleId} ${descriptionId}`} className="chart">
        <title id={titleId}>Members with two-factor authentication on, week by week</title>
        <desc id={descriptionId}>
          {first && last
            ? `From the week of ${formatWeekLong(first.weekStart)}, ${first.enabled} of ${first.members} members, to the week of ${formatWeekLong(last.weekStart)}, ${last.enabled} of ${last.members} members (${percentOf(last.enabled, last.members)}%).`
            : 'No weeks to show yet.'}
        </desc>
        {ticks.map((value) => (
          <g key={value} className="chart-grid">
            <line x1={margin.left} x2={width - margin.right} y1={y(value)} y2={y(value)} />
            <text x={margin.left - 6} y={y(value) + 4} textAnchor="end">
              {value}
            </text>
          </g>
        ))}
        {weekly.map((week, index) => {
          const x = margin.left + index * slot + (slot - barWidth) / 2;
          return (
            <g key={week.weekStart}>
              <rect className="chart-bar-members" x={x} y={y(week.members)} width={barWidth} height={margin.top + plotHeight - y(week.members)} />
              <rect className="chart-bar-enabled" x={x} y={y(week.enabled)} width={barWidth} height={margin.top + plotHeight - y(week.enabled)} />
              {index % labelEvery === (weekly.length - 1) % labelEvery && (
                <text className="chart-label" x={x + barWidth / 2} y={height - 10} textAnchor="middle">
                  {formatWeek(week.weekStart)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="chart-legend">
        <span>
          <span className="chart-swatch chart-swatch-enabled" aria-hidden="true" /> Two-factor authentication on
        </span>
        <span>
          <span className="chart-swatch chart-swatch-members" aria-hidden="true" /> All members
        </span>
      </figcaption>
    </figure>
  );
}

/** The chart's numbers for reading rather than seeing. */
export function AdoptionTable({ weekly }: { weekly: Adoption['weekly'] }) {
  return (
    <table className="data-table">
      <caption className="visually-hidden">Members with two-factor authentication on, week by week</caption>
      <thead>
        <tr>
          <th scope="col">Week of</th>
          <th scope="col">2FA on</th>
          <th scope="col">Members</th>
          <th scope="col">Share</th>
        </tr>
      </thead>
      <tbody>
        {weekly.map((week) => (
          <tr key={week.weekStart}>
            <th scope="row" data-label="Week of">
              {formatWeekLong(week.weekStart)}
            </th>
            <td data-label="2FA on">{week.enabled}</td>
            <td data-label="Members">{week.members}</td>
            <td data-label="Share">{percentOf(week.enabled, week.members)}%</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
