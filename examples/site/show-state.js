// Shows what the tracker knows. Deferred scripts run in order, so window.affitor is ready here,
// unless the tracker was blocked: then the page says so instead of breaking.
function showState() {
  var state = document.getElementById('state')
  var affitor = window.affitor
  if (state) state.textContent = affitor && affitor.getData ? JSON.stringify(affitor.getData(), null, 2) : 'The tracker did not load (blocked?).'
}
showState()
// The click report finishes after load: show the stored click id once it is there.
if (window.affitor && window.affitor.trackClick) window.affitor.trackClick().then(showState)
