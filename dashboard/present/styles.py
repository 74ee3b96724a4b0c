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
.report-body{margin:0 0 .4rem 0}
.report-item{display:flex;gap:.5rem;font-size:1.02rem;line-height:1.6;margin:0 0 .15rem 0}
.report-item.d1{padding-left:.4rem}
.report-item.d2{padding-left:2rem}
.report-item .bullet{flex:0 0 .8rem;font-weight:700}
.report-item .item-text{flex:1 1 auto}
.report-item mark.evidence{background:#FFE08A;padding:0 2px}
.report-item mark.evidence.focus{background:#F0B400;outline:3px solid #0072B2;font-weight:600}
.report-item mark.hit{background:#BFE3FF}
</style>"""


# Demo values' cards: hatched, so a generated number never looks like a reported one.
DEMO_CSS = """<style>
[class*="st-key-demo_card_"] [data-testid="stMetric"]{background:repeating-linear-gradient(135deg,
 #FFF4D6 0 10px,#FFFFFF 10px 20px)!important}
</style>"""


MEETING_CSS = """<style>
[data-testid="stSidebar"],[data-testid="stSidebarCollapsedControl"],[data-testid="stExpandSidebarButton"],
[data-testid="stHeader"],[data-testid="stToolbar"]{display:none!important}
.stMainBlockContainer,.block-container{padding:.8rem 2.5rem .5rem 2.5rem!important;max-width:100%!important}
/* A slide is exactly the screen minus the navigation row: the chart takes what title and cards leave. */
.st-key-slide{height:calc(100vh - 7rem)!important;flex:0 0 auto!important;overflow:hidden;flex-wrap:nowrap!important;gap:.4rem!important}
.st-key-slide>div:has(>.st-key-slide_chart){flex:1 1 0!important;min-height:0!important;overflow:hidden}
.st-key-slide_chart{height:100%!important;overflow:hidden}
.st-key-slide_chart>div,.st-key-slide_chart [data-testid="stPlotlyChart"]{height:100%!important}
.st-key-slide_nav{height:3.4rem;align-items:center}
.slide-demo{background:repeating-linear-gradient(135deg,#B00020 0 18px,#8A0019 18px 36px);color:#fff;
 font-size:clamp(1.1rem,min(1.6vw,3vh),2.2rem);font-weight:800;padding:.35rem 1rem;border-radius:.3rem;
 line-height:1.2}
.slide-title{font-size:clamp(1.8rem,min(3.2vw,5.6vh),4rem);font-weight:800;color:#000;line-height:1.1;margin:0}
.slide-sub{font-size:clamp(1rem,min(1.5vw,2.6vh),1.8rem);color:#222;margin:.1rem 0 .2rem 0}
.slide-stamp{font-size:clamp(1rem,min(1.3vw,2.3vh),1.6rem);color:#000;background:#FFE08A;padding:.2rem .7rem;
 border-radius:.3rem;font-weight:700;display:inline-block;white-space:nowrap}
.slide-count{font-size:clamp(1rem,min(1.3vw,2.3vh),1.6rem);color:#000;font-weight:700;text-align:right;margin:0}
.slide-cards{display:flex;gap:1.2rem;margin:0}
.slide-card{flex:1;border:3px solid #000;border-radius:.5rem;padding:.3rem 1rem;background:#fff}
.slide-card .v{font-size:clamp(2rem,min(3.4vw,6vh),4.4rem);font-weight:800;color:#000;line-height:1.1}
.slide-card .l{font-size:clamp(1rem,min(1.4vw,2.4vh),1.7rem);color:#000;font-weight:600}
.slide-card .n{font-size:clamp(.85rem,min(1.1vw,1.9vh),1.3rem);color:#333}
.slide-table{width:100%;border-collapse:collapse;color:#000}
.slide-table th,.slide-table td{font-size:clamp(.95rem,min(1.35vw,2.3vh),1.65rem);padding:.18rem .7rem;
 border-bottom:2px solid #999;text-align:left}
.slide-table th{font-weight:800;background:#EEF2F6}
.slide-table td:first-child{font-weight:700;white-space:nowrap}
.slide-exit{display:block;text-align:center;font-size:clamp(1rem,min(1.3vw,2.3vh),1.6rem);font-weight:700;
 color:#000!important;text-decoration:underline}
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


def uploader_css(button_label: str) -> str:
    """Hide the file uploader's built-in English ("Drag and drop", "200MB per file") and relabel its button.

    Streamlit has no translation for these texts; the page writes its own help text under
    the uploader instead (with the server's real limit).
    """
    label = button_label.replace("\\", "").replace('"', "")
    return ("<style>"
            '[data-testid="stFileUploaderDropzoneInstructions"]{display:none!important}'
            '[data-testid="stFileUploaderDropzone"] button>div{display:none!important}'
            f'[data-testid="stFileUploaderDropzone"] button::after{{content:"⬆ {label}";font-size:1rem}}'
            "</style>")
