"""The page's own JavaScript and CSS: the citation click handler, the upload and delete hooks,
and the styles of the HTML that ``ui.render`` writes. Plain strings, used by ``ui.app``.
"""

# One handler for every citation link on the page, installed once: it survives the
# re-rendering of the HTML components, which replaces their inner elements. The page holds no
# document text: the first time a citation is opened, its block's reference (data-cite) goes
# to the server function `cited_window` (ui/windows.py), whose HTML (escaped there) fills it.
CITE_JS = """
window.__ragServer = server;
if (!window.__ragCiteHandler) {
  const fill = async (doc) => {
    const body = doc.querySelector('.rag-doc-body');
    const ref = doc.dataset.cite;
    if (!body || !ref || doc.dataset.loading) return;
    doc.dataset.loading = '1';
    body.innerHTML = '<p class="rag-info">Opening the document…</p>';
    try {
      body.innerHTML = await window.__ragServer.cited_window(JSON.parse(ref));
      doc.removeAttribute('data-cite');
    } catch (err) {
      const p = document.createElement('p');
      p.className = 'rag-error';
      p.textContent = 'The document could not be opened: ' + err;
      body.replaceChildren(p);
    } finally {
      delete doc.dataset.loading;
    }
  };
  window.__ragCiteHandler = async (event) => {
    const link = event.target && event.target.closest ? event.target.closest('a.cite') : null;
    if (!link) return;
    const prefix = link.dataset.prefix, key = link.dataset.n;
    const doc = document.getElementById(prefix + '-doc-' + key);
    if (!doc) return;
    // The href is only a no-JS fallback; do not let the hash change move the page.
    event.preventDefault();
    event.stopPropagation();
    const viewer = doc.closest('.rag-viewer');
    if (viewer) {
      viewer.querySelectorAll('.rag-doc.open').forEach((d) => d.classList.remove('open'));
      viewer.classList.add('has-open');
    }
    doc.classList.add('open');
    document.querySelectorAll('li.rag-selected').forEach((m) => m.classList.remove('rag-selected'));
    const item = document.getElementById(prefix + '-cite-' + key);
    if (item) item.classList.add('rag-selected');
    if (!document.getElementById(prefix + '-q-' + key)) await fill(doc);
    const mark = document.getElementById(prefix + '-q-' + key);
    if (!mark || !doc.classList.contains('open')) return;
    document.querySelectorAll('mark.rag-active').forEach((m) => m.classList.remove('rag-active'));
    mark.classList.add('rag-active');
    // Scroll the document's own box to the quote, then the page only as far as needed, and
    // never under the question row (it is sticky): the reader asks the next question from
    // where they are (a page-level scrollIntoView sent the question box off screen).
    const box = mark.closest('.rag-doc-text');
    if (box) {
      const m = mark.getBoundingClientRect(), b = box.getBoundingClientRect();
      box.scrollTop += (m.top - b.top) - (box.clientHeight - m.height) / 2;
    }
    const row = document.getElementById('rag-ask-row');
    const top = row ? Math.max(0, row.getBoundingClientRect().bottom) : 0;
    const m = mark.getBoundingClientRect();
    if (m.top < top + 8 || m.bottom > window.innerHeight - 8) {
      const by = m.top - (top + window.innerHeight - m.height) / 2;
      window.scrollBy({top: by, behavior: 'instant'});
    }
  };
  document.addEventListener('click', window.__ragCiteHandler, true);
}
"""

# Gradio uploads a file's bytes but not its modification time: the browser's
# File.lastModified of every chosen or dropped file is kept here by name and sent with "Add to
# the index" (UPLOAD_JS), so an undated page from 2005 is dated 2005, not the day of upload.
LAST_MODIFIED_JS = """
if (!window.__ragLastModified) {
  window.__ragLastModified = {};
  const note = (files) => {
    for (const f of files || []) window.__ragLastModified[f.name] = f.lastModified;
  };
  document.addEventListener('change', (e) => {
    if (e.target && e.target.type === 'file') note(e.target.files);
  }, true);
  document.addEventListener('drop', (e) => {
    if (e.dataTransfer) note(e.dataTransfer.files);
  }, true);
}
"""
UPLOAD_JS = "(files, _) => [files, JSON.stringify(window.__ragLastModified || {})]"

CANCELLED = "__rag_delete_cancelled__"
# The browser asks before anything goes, naming the file and what is indexed from it.
CONFIRM_DELETE_JS = (
    "(file) => (!file || window.confirm('Delete ' + file + ' from the index? Its passages, "
    "and any attachments or messages indexed from it, go too; the file on disk stays. "
    "This cannot be undone.')) ? file : '" + CANCELLED + "'"
)

# Our HTML is set in the system sans-serif, not Gradio's Source Sans Pro: the SemiBold and
# Bold faces Gradio serves draw a capital "B" as a small capital "ʙ" (every bold question
# heading showed "ʙelarus"); their Regular face is fine, so Gradio's own widgets keep it.
CSS = """
.rag-turn, .rag-error, .rag-info, table.rag-sources, .rag-verdict {
  font-family: ui-sans-serif, system-ui, "Segoe UI", Roboto, "Liberation Sans", Arial,
  sans-serif; }
.rag-turn { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 12px 14px; margin: 0 0 14px 0; }
.rag-question { font-weight: 600; margin-bottom: 6px; }
.rag-question::before { content: "Q: "; color: var(--body-text-color-subdued); }
.rag-answer-text { line-height: 1.6; margin: 4px 0 8px 0; }
.rag-answer-text.abstained { font-style: italic; }
.rag-answer-text.streaming { color: var(--body-text-color-subdued); white-space: pre-wrap; }
.rag-meta { font-size: 0.8em; color: var(--body-text-color-subdued); margin-bottom: 6px; }
.rag-status { font-size: 0.85em; color: var(--body-text-color-subdued); }
a.cite { font-weight: 600; text-decoration: none; padding: 0 1px; cursor: pointer;
  color: var(--color-accent, #2563eb); }
a.cite:hover { text-decoration: underline; }
.rag-notes { border-left: 3px solid #d97706; padding: 4px 10px; margin: 8px 0;
  background: rgba(217, 119, 6, 0.08); }
.rag-notes-title, .rag-citations-title, .rag-closest-title { font-weight: 600;
  font-size: 0.9em; margin-bottom: 4px; }
.rag-citations ol, .rag-closest ol, .rag-notes ul { margin: 0; padding-left: 1.4em; }
.rag-citations li, .rag-closest li { margin: 4px 0; }
.rag-citations li.rag-selected, .rag-closest li.rag-selected {
  background: rgba(37, 99, 235, 0.08); }
.rag-quote { margin: 2px 0 0 0; padding-left: 8px; font-size: 0.92em;
  border-left: 2px solid var(--border-color-primary); }
.rag-turn-body { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.2fr);
  gap: 18px; align-items: start; }
@media (max-width: 900px) { .rag-turn-body { grid-template-columns: minmax(0, 1fr); } }
.rag-date, .rag-page, .rag-source { color: var(--body-text-color-subdued); }
.rag-ocr { color: #b45309; font-size: 0.9em; }
.rag-source { font-size: 0.8em; word-break: break-all; }
.rag-viewer.has-open .rag-viewer-hint { display: none; }
.rag-viewer-hint { font-size: 0.85em; color: var(--body-text-color-subdued); }
.rag-doc { display: none; border: 1px solid var(--border-color-primary); border-radius: 6px;
  padding: 8px 10px; }
.rag-doc.open, .rag-doc:has(mark:target) { display: block; }
.rag-doc-head { font-size: 0.9em; margin-bottom: 6px; }
.rag-doc-key { font-weight: 600; }
.rag-doc-text { white-space: pre-wrap; max-height: 55vh; overflow-y: auto; font-size: 0.92em;
  line-height: 1.5; padding-right: 6px; }
mark.rag-quote-mark { background: #fde68a; color: #111827; padding: 0 1px; }
mark.rag-quote-mark.rag-active { background: #facc15; }
mark.rag-value-mark { background: #f59e0b; color: #111827; font-weight: 600; padding: 0; }
.rag-error { color: #b91c1c; font-weight: 600; }
.rag-info { color: var(--body-text-color-subdued); }
table.rag-sources { width: 100%; border-collapse: collapse; font-size: 0.92em; }
table.rag-sources th, table.rag-sources td { text-align: left; padding: 4px 6px;
  border-bottom: 1px solid var(--border-color-primary); vertical-align: top; }
table.rag-sources td.num { text-align: right; }
table.rag-sources td.rag-source { font-size: 0.9em; }
table.rag-sources caption { text-align: left; font-weight: 600; margin-bottom: 4px; }
ul.rag-upload-report { margin: 0; padding-left: 1.2em; }
"""


# Page-level rules (the CSS above is scoped to our HTML components): the question row stays
# at the top of the window while the reader scrolls through answers and their documents.
APP_CSS = """
#rag-ask-row { position: sticky; top: 0; z-index: 20; background: var(--body-background-fill);
  padding: 6px 0; }
/* Gradio's overflow: hidden here would make the container the sticky row's scroller; clip
   cuts the same overflow without that. */
.gradio-container { overflow: clip !important; }
"""
