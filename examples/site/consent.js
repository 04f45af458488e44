// A stand-in for a consent manager: its accept and decline callbacks call the tracker.
// Deferred scripts run in order: window.affitor (unless blocked) and show-state.js's showState are here.
function choose(method) {
  if (window.affitor) window.affitor(method)
  showConsent()
  // The click report (after accepting) finishes after its request: show the result then too.
  setTimeout(showState, 300)
  showState()
}

// The choice as the tracker records it, in its affitor_consent cookie: 1 given, 0 refused, none pending.
function showConsent() {
  var match = /(?:^|; )affitor_consent=([01])/.exec(document.cookie)
  document.getElementById('consent-status').textContent = match ? (match[1] == '1' ? 'given' : 'refused') : 'pending'
}

showConsent()
document.getElementById('accept').addEventListener('click', function () { choose('grantConsent') })
document.getElementById('decline').addEventListener('click', function () { choose('revokeConsent') })
