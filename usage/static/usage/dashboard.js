/* The usage dashboard's charts. Data: the JSON in #usage-dashboard-data (see usage/charts.py). */
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("usage-dashboard-data").textContent);
  const palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7"];
  const color = (i) => palette[i % palette.length];
  const common = {responsive: true, maintainAspectRatio: false, animation: false};

  function stackedByProvider(id, series, yTitle) {
    return new Chart(document.getElementById(id), {
      type: "bar",
      data: {
        labels: data.days,
        datasets: series.map((s, i) => ({label: s.label, data: s.data, backgroundColor: color(i), stack: "providers"})),
      },
      options: {
        ...common,
        scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true, title: {display: true, text: yTitle}}},
      },
    });
  }

  function perProvider(id, datasets, yTitle, extraY) {
    return new Chart(document.getElementById(id), {
      type: "bar",
      data: {labels: data.providers, datasets: datasets},
      options: {...common, scales: {y: {beginAtZero: true, title: {display: true, text: yTitle}, ...extraY}}},
    });
  }

  function ranking(id, ranked, colorIndex) {
    return new Chart(document.getElementById(id), {
      type: "bar",
      data: {labels: ranked.labels, datasets: [{label: "Cost (USD)", data: ranked.data, backgroundColor: color(colorIndex)}]},
      options: {...common, indexAxis: "y", plugins: {legend: {display: false}}},
    });
  }

  window.usageDashboardCharts = {
    costPerDay: stackedByProvider("chart-cost-per-day", data.cost_per_day, "USD"),
    tokensPerDay: stackedByProvider("chart-tokens-per-day", data.tokens_per_day, "tokens"),
    quotaPerDay: stackedByProvider("chart-quota-per-day", data.quota_per_day, "refused calls"),
    successRate: perProvider(
      "chart-success-rate",
      [{label: "Success rate (%)", data: data.success_rate, backgroundColor: color(2)}],
      "%",
      {max: 100},
    ),
    latency: perProvider(
      "chart-latency",
      [
        {label: "p50 (ms)", data: data.latency_p50, backgroundColor: color(0)},
        {label: "p95 (ms)", data: data.latency_p95, backgroundColor: color(1)},
      ],
      "ms",
      {},
    ),
    topUsers: ranking("chart-top-users", data.top_users, 4),
    topModels: ranking("chart-top-models", data.top_models, 6),
  };
})();
