"""The HTML page's inline style and script (the page loads nothing at view time).

The script filters the requirement matrix by text, profile, level, column and status, and opens a requirement's
drill-down. Its state lives in the URL hash (``#status=fail&column=NAME&profile=P&level=MUST&q=TEXT&open=ID``), so
a filtered view can be linked, and a browser started on such a URL shows it.
"""

CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;max-width:120em}
h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:2px 6px;vertical-align:top}
th{background:#f3f3f3;text-align:left}td.num{text-align:right}
.pass{background:#d9f2d9}.fail{background:#f8d0d0;font-weight:bold}.skip{background:#fff3c4}
.notrun,.none{color:#999}.warn{background:#fff3c4;border:1px solid #d8b600;padding:.5em 1em;margin:1em 0}
.ok{background:#e8f5e8;border:1px solid #8c8;padding:.5em 1em;margin:1em 0}
#req-matrix td.s{text-align:center;font-size:12px}#req-matrix th.col{writing-mode:vertical-rl;font-size:12px}
button.req{font:inherit;background:none;border:0;color:#0645ad;cursor:pointer;padding:0;text-decoration:underline}
tr.drill td{background:#fafafa}tr.drill ul{margin:.2em 0 .4em 1em;padding:0}
code,.msg{font:12px ui-monospace,monospace}.msg{white-space:pre-wrap;word-break:break-all;color:#700}
.filters label{margin-right:1em}img.plot{max-width:100%;border:1px solid #ddd;margin:.5em 0}
tr.differs td{background:#fff7e0}
"""

JS = """
(function(){
  var ids=['q','profile','level','column','status'];
  function el(id){return document.getElementById(id);}
  var columns=Array.prototype.map.call(document.querySelectorAll('#req-matrix th.col'),function(th){
    return th.textContent;});
  function state(){var s={};location.hash.replace(/^#/,'').split('&').forEach(function(kv){
    var i=kv.indexOf('=');if(i>0){s[decodeURIComponent(kv.slice(0,i))]=decodeURIComponent(kv.slice(i+1));}});return s;}
  function matches(row,f){
    if(f.profile&&row.dataset.profile!==f.profile)return false;
    if(f.level&&row.dataset.level!==f.level)return false;
    if(f.q&&row.dataset.text.indexOf(f.q.toLowerCase())<0)return false;
    if(!f.status)return true;
    var cells=row.querySelectorAll('td.s');
    for(var i=0;i<cells.length;i++){
      if(f.column&&columns[i]!==f.column)continue;
      if(cells[i].classList.contains(f.status))return true;}
    return false;}
  function apply(){
    var f={};ids.forEach(function(id){f[id]=el(id).value;});
    var rows=document.querySelectorAll('#req-matrix tr.req'),shown=0;
    rows.forEach(function(row){var ok=matches(row,f);row.hidden=!ok;if(ok)shown++;
      var d=el('d-'+row.dataset.id);if(d&&!ok)d.hidden=true;});
    el('shown').textContent=shown;el('shown').dataset.count=shown;
    var h=ids.filter(function(id){return f[id];}).map(function(id){return id+'='+encodeURIComponent(f[id]);});
    var open=document.querySelector('tr.drill:not([hidden])');
    if(open)h.push('open='+encodeURIComponent(open.id.slice(2)));
    history.replaceState(null,'',h.length?'#'+h.join('&'):location.pathname);}
  function toggle(id){var d=el('d-'+id);if(!d)return;d.hidden=!d.hidden;apply();}
  var s=state();
  ids.forEach(function(id){if(s[id]!==undefined)el(id).value=s[id];
    el(id).addEventListener(id==='q'?'input':'change',apply);});
  document.querySelectorAll('button.req').forEach(function(b){
    b.addEventListener('click',function(){toggle(b.dataset.id);});});
  if(s.open&&el('d-'+s.open))el('d-'+s.open).hidden=false;
  apply();
  document.body.dataset.ready='1';
})();
"""
