"""One small stylesheet for the sandbox's human views (page and issue), readable and screenshot-friendly."""

from __future__ import annotations

BASE_CSS = """
:root { --ink:#172b4d; --muted:#5e6c84; --line:#dfe1e6; --bg:#ffffff; --soft:#f4f5f7; --link:#0052cc; }
* { box-sizing: border-box; }
body { margin:0; background:var(--soft); color:var(--ink);
       font:15px/1.55 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header.bar { background:#0747a6; color:#fff; padding:10px 24px; font-size:14px; }
header.bar a { color:#deebff; text-decoration:none; }
main { max-width:960px; margin:24px auto; background:var(--bg); border:1px solid var(--line);
       border-radius:6px; padding:28px 36px 40px; }
h1.page-title { font-size:28px; margin:4px 0 6px; }
.breadcrumbs { color:var(--muted); font-size:13px; }
.breadcrumbs a { color:var(--muted); }
.meta { color:var(--muted); font-size:13px; margin-bottom:18px; border-bottom:1px solid var(--line);
        padding-bottom:12px; }
.label { display:inline-block; background:#dfe1e6; color:#42526e; border-radius:3px; padding:0 6px;
         margin-right:4px; font-size:12px; }
a { color:var(--link); }
h1, h2, h3, h4 { line-height:1.25; margin:1.3em 0 .5em; }
table { border-collapse:collapse; margin:12px 0; width:auto; max-width:100%; }
th, td { border:1px solid #c1c7d0; padding:6px 10px; vertical-align:top; text-align:left; }
th { background:var(--soft); }
td p, th p { margin:0; }
pre { background:var(--soft); border:1px solid var(--line); border-radius:3px; padding:10px; overflow:auto; }
code { font-family:SFMono-Regular, Menlo, Consolas, monospace; font-size:13px; }
.code-title { font-weight:600; font-size:13px; margin-bottom:4px; }
.status { display:inline-block; font-size:11px; font-weight:700; border-radius:3px; padding:1px 5px;
          letter-spacing:.02em; vertical-align:middle; }
.status-grey { background:#dfe1e6; color:#42526e; }
.status-red { background:#ffebe6; color:#bf2600; }
.status-yellow { background:#fffae6; color:#974f0c; }
.status-green { background:#e3fcef; color:#006644; }
.status-blue { background:#deebff; color:#0747a6; }
.status-purple { background:#eae6ff; color:#403294; }
.status.subtle { background:transparent; border:1px solid currentColor; }
.panel { border-radius:3px; padding:10px 14px; margin:12px 0; border-left:4px solid #0052cc;
         background:#deebff; }
.panel-title { font-weight:600; margin-bottom:4px; }
.panel-body > :first-child { margin-top:0; } .panel-body > :last-child { margin-bottom:0; }
.panel-warning, .panel-error { background:#ffebe6; border-color:#de350b; }
.panel-note { background:#fffae6; border-color:#ff991f; }
.panel-tip, .panel-success { background:#e3fcef; border-color:#00875a; }
.panel-panel { background:var(--bg); border:1px solid var(--line); }
details.expand { border:1px solid var(--line); border-radius:3px; padding:6px 10px; margin:10px 0; }
details.expand summary { cursor:pointer; color:var(--link); }
nav.toc { background:var(--soft); border-radius:3px; padding:8px 14px; display:inline-block; min-width:240px; }
nav.toc ul { list-style:none; margin:4px 0; padding:0; }
.toc-title { font-weight:600; font-size:13px; color:var(--muted); }
.toc-l2 { padding-left:16px; } .toc-l3 { padding-left:32px; } .toc-l4, .toc-l5, .toc-l6 { padding-left:48px; }
.jira-badge { display:inline-block; background:#deebff; color:#0747a6; border-radius:3px; padding:0 6px;
              font-size:13px; font-weight:600; text-decoration:none; }
.jira-query { margin:8px 0; }
.mention { background:#dfe1e6; border-radius:10px; padding:0 6px; }
img.attached-image { max-width:100%; height:auto; border:1px solid var(--line); border-radius:3px; }
figure.chart { margin:12px 0; } figure.chart figcaption { font-weight:600; }
.unknown-macro, .render-error, .media-placeholder { background:#fffae6; border:1px dashed #ff991f;
         padding:6px 10px; color:#974f0c; font-size:13px; margin:8px 0; }
ul.tasks { list-style:none; padding-left:8px; } li.task.done { color:var(--muted); }
.attachments { margin-top:28px; border-top:1px solid var(--line); padding-top:10px; font-size:13px; }
"""
