// Shows what the tracker knows. Deferred scripts run in order, so window.affitor is ready here.
function showState() {
  var state = document.getElementById('state')
  if (state) state.textContent = JSON.stringify(window.affitor.getData(), null, 2)
}
showState()
// The click report finishes after load: show the stored click id once it is there.
window.affitor.trackClick().then(showState)
