/**
 * The report layer: renders a finished, plain-JSON `Result` as a terminal summary, JSON, CSV,
 * PNG charts and a self-contained HTML page. It holds no simulation state.
 *
 * Importing this module is cheap: chartjs-node-canvas (and the native `canvas`) load on the
 * first `renderCharts` call.
 */
export { formatActual, formatCount, renderSummary, summaryRows } from './summary.js';
export type { RowTone, SummaryOptions, SummaryRow } from './summary.js';
export {
  DEFAULT_CHART_SIZE,
  chartConfigs,
  clockTicks,
  renderCharts,
  withTickFormatters,
} from './charts.js';
export type { ChartSize, ChartSpec, ClockTick, RenderedChart } from './charts.js';
export { escapeHtml, jsonForHtml, renderHtml } from './html.js';
export { checkOutputDir, csvField, resultJson, timeseriesCsv, writeReport, wroteFiles } from './write.js';
export type { WriteReportOptions } from './write.js';
export { collectLives, exampleIds } from './lives.js';
export type { MessageLives } from './lives.js';
