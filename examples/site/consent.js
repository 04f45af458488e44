// A stand-in for a consent manager: its accept and decline callbacks call the tracker.
// Deferred scripts run in order, so window.affitor is installed here (unless it was blocked).
function showState() {
  var affitor = window.affitor
  document.getElementById('state').textContent =
    affitor && affitor.getData ? JSON.stringify(affitor.getData(), null, 2) : 'The tracker did not load (blocked?).'
}

function choose(method) {
  if (window.affitor) window.affitor(method)
  // The click report (after accepting) finishes after its request: show the result then too.
  setTimeout(showState, 300)
  showState()
}

document.getElementById('accept').addEventListener('click', function () { choose('grantConsent') })
document.getElementById('decline').addEventListener('click', function () { choose('revokeConsent') })
showState()
