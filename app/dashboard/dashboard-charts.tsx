'use client';
// The dashboard's charts (recharts). The numbers arrive aggregated by SQL (lib/store/llm-stats-aggregate.ts); here they
// are only reshaped for the chart components: one row per day with a column per reason, and contiguous length buckets.
import { Bar, BarChart, CartesianGrid, Legend, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { LlmStats } from '@/lib/llm/stats';

const COLORS = ['#c0392b', '#e67e22', '#8e44ad', '#2d5bd7', '#16a085', '#7f8c8d', '#d35400', '#27ae60', '#2c3e50', '#f1c40f'];
const HEIGHT = 240;

export function DashboardCharts({ stats }: { stats: LlmStats }) {
  const reasons = stats.reasons_total.map((r) => r.reason);
  const byDay = new Map<string, Record<string, number | string>>();
  for (const d of stats.attempts_by_day) byDay.set(d.day, { day: d.day });
  for (const r of stats.reasons_by_day) {
    const row = byDay.get(r.day) ?? { day: r.day };
    row[r.reason] = r.count;
    byDay.set(r.day, row);
  }
  const reasonRows = [...byDay.values()].sort((x, y) => String(x.day).localeCompare(String(y.day)));

  const limit = stats.max_chars;
  const last = Math.max(limit ?? 0, ...stats.length_histogram.map((b) => b.from));
  const buckets = new Map(stats.length_histogram.map((b) => [b.from, b]));
  const histogram = Array.from({ length: last + 1 }, (_, from) => {
    const b = buckets.get(from);
    return { length: b?.to === null ? `${from}+` : String(from), example: b?.example ?? 0, translation: b?.translation ?? 0 };
  });

  return (
    <section className="charts">
      <div className="panel chart" data-testid="chart-attempts-per-word">
        <h2>Attempts per word</h2>
        <ResponsiveContainer width="100%" height={HEIGHT} initialDimension={{ width: 400, height: HEIGHT }}>
          <BarChart data={stats.attempts_per_word}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="attempts" label={{ value: 'attempts', position: 'insideBottom', offset: -2 }} />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Bar dataKey="words" fill="#2d5bd7" name="words" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <div className="panel chart" data-testid="chart-reasons">
        <h2>Failure reasons per day <span className="muted small">(rules broken and provider errors)</span></h2>
        {reasons.length === 0 ? <p className="muted">No failed attempt.</p> : (
          <ResponsiveContainer width="100%" height={HEIGHT} initialDimension={{ width: 400, height: HEIGHT }}>
            <BarChart data={reasonRows}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="day" />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Legend />
              {reasons.map((r, i) => <Bar key={r} dataKey={r} stackId="r" fill={COLORS[i % COLORS.length]} isAnimationActive={false} />)}
            </BarChart>
          </ResponsiveContainer>
        )}
      </div>
      <div className="panel chart wide" data-testid="chart-lengths">
        <h2>Example and translation lengths {limit !== null && <span className="muted small">(must be fewer than {limit})</span>}</h2>
        <ResponsiveContainer width="100%" height={HEIGHT} initialDimension={{ width: 800, height: HEIGHT }}>
          <BarChart data={histogram}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="length" interval="preserveStartEnd" />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Legend />
            <Bar dataKey="example" fill="#2d5bd7" isAnimationActive={false} />
            <Bar dataKey="translation" fill="#16a085" isAnimationActive={false} />
            {limit !== null && <ReferenceLine x={String(limit)} stroke="#c0392b" strokeDasharray="4 2" label={{ value: `limit ${limit}`, position: 'top', fill: '#c0392b' }} />}
          </BarChart>
        </ResponsiveContainer>
      </div>
    </section>
  );
}
