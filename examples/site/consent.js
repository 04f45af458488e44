// A stand-in for a consent manager: its accept and decline callbacks call the tracker.
// Deferred scripts run in order: window.affitor (unless blocked) and show-state.js's showState are here.
function choose(method) {
  if (window.affitor) window.affitor(method)
  // The click report (after accepting) finishes after its request: show the result then too.
  setTimeout(showState, 300)
  showState()
}

document.getElementById('accept').addEventListener('click', function () { choose('grantConsent') })
document.getElementById('decline').addEventListener('click', function () { choose('revokeConsent') })
