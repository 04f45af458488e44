// The app's address on this test server's port.
document.getElementById('to-app').href = 'http://app.other.test:' + location.port + '/e2e/app.html?plan=pro'
