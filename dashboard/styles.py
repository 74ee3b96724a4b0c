"""The look of the report reader and of meeting mode: CSS and one small inline script.

Plain strings (no Streamlit here); :mod:`dashboard.ui` puts them on the page. Nothing
is loaded from the network: fonts are Streamlit's bundled ones.
"""

REPORT_CSS = """<style>
.report-body{font-size:1.02rem;line-height:1.6}
.report-body mark.evidence{background:#FFE08A;padding:0 2px}
.report-body mark.evidence.focus{background:#F0B400;outline:3px solid #0072B2;font-weight:600}
.report-body mark.hit,.report-heading mark.hit{background:#BFE3FF}
.report-heading{margin:.8rem 0 .2rem 0;font-weight:700;font-size:1.15rem}
</style>"""


MEETING_CSS = """<style>
[data-testid="stSidebar"],[data-testid="stSidebarCollapsedControl"],[data-testid="stExpandSidebarButton"],
[data-testid="stHeader"],[data-testid="stToolbar"]{display:none!important}
.stMainBlockContainer,.block-container{padding:1.2rem 2.5rem 1rem 2.5rem!important;max-width:100%!important}
.slide-title{font-size:clamp(2.2rem,3.4vw,4rem);font-weight:800;color:#000;line-height:1.1;margin:0}
.slide-sub{font-size:clamp(1.1rem,1.5vw,1.8rem);color:#222;margin:.2rem 0 .6rem 0}
.slide-stamp{font-size:clamp(1rem,1.3vw,1.6rem);color:#000;background:#FFE08A;padding:.2rem .7rem;
 border-radius:.3rem;font-weight:700;display:inline-block;white-space:nowrap}
.slide-count{font-size:clamp(1rem,1.3vw,1.6rem);color:#000;font-weight:700;text-align:right}
.slide-cards{display:flex;gap:1.2rem;margin:.4rem 0 .8rem 0}
.slide-card{flex:1;border:3px solid #000;border-radius:.5rem;padding:.5rem 1rem;background:#fff}
.slide-card .v{font-size:clamp(2.4rem,3.6vw,4.4rem);font-weight:800;color:#000;line-height:1.1}
.slide-card .l{font-size:clamp(1.1rem,1.4vw,1.7rem);color:#000;font-weight:600}
.slide-card .n{font-size:clamp(.9rem,1.1vw,1.3rem);color:#333}
.slide-table{width:100%;border-collapse:collapse;color:#000}
.slide-table th,.slide-table td{font-size:clamp(1.05rem,1.35vw,1.65rem);padding:.28rem .7rem;
 border-bottom:2px solid #999;text-align:left}
.slide-table th{font-weight:800;background:#EEF2F6}
.slide-table td:first-child{font-weight:700;white-space:nowrap}
.st-key-meeting_prev button,.st-key-meeting_next button{font-size:1.4rem!important;min-height:3rem}
</style>"""


# PageDown / PageUp (presentation clickers) and Space; the arrow keys are the buttons' own shortcuts.
MEETING_KEYS_JS = """<script>
if(!window.__meetingKeys){window.__meetingKeys=true;
document.addEventListener('keydown',function(e){
 const t=e.target&&e.target.tagName; if(t==='INPUT'||t==='TEXTAREA'||(e.target&&e.target.isContentEditable))return;
 const map={PageDown:'meeting_next',' ':'meeting_next',PageUp:'meeting_prev'}; const k=map[e.key]; if(!k)return;
 const b=document.querySelector('.st-key-'+k+' button'); if(b){e.preventDefault();b.click();}});}
</script>"""


# Streamlit shows "Page not found" on the first load of any page but the default one
# (streamlit/streamlit#8860, #9992) although it then runs the right page. A link to a
# commune's page must not greet the committee with an error, so the notice is closed
# when the address is a page of the navigation; a truly wrong address still shows it.
DEEP_LINK_GUARD_JS = r"""<script>
const doc = window.parent.document;
function closeSpuriousNotFound() {
  const path = window.parent.location.pathname.replace(/\/+$/, "").split("/").pop();
  if (!path) return;
  const known = [...doc.querySelectorAll('a[href]')].some(a => {
    try { return new URL(a.href).pathname.replace(/\/+$/, "").split("/").pop() === path; } catch (e) { return false; }
  });
  for (const d of doc.querySelectorAll('section[role="dialog"]')) {
    const h = d.querySelector("h2");
    if (known && h && h.textContent.trim() === "Page not found") {
      const close = d.querySelector('button[aria-label="Close"]');
      if (close) close.click();
    }
  }
}
new MutationObserver(closeSpuriousNotFound).observe(doc.body, {childList: true, subtree: true});
closeSpuriousNotFound();
</script>"""
