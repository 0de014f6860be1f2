// Check-in page: scan a ticket's QR code with the camera (qr-scanner from npm) and submit it as if typed.
// Without JavaScript or a camera the typed-code form works the same.
const box = document.getElementById('scanner');
const form = document.getElementById('code-form');
const field = document.getElementById('code');
const status = document.getElementById('scan-status');
const video = document.getElementById('scan-video');

if (box && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
  box.hidden = false;
  document.getElementById('scan-start').addEventListener('click', async () => {
    const source = document.querySelector('script[data-scanner]');
    try {
      const { default: QrScanner } = await import(source.dataset.scanner);
      video.hidden = false;
      status.textContent = source.dataset.looking;
      const scanner = new QrScanner(video, (result) => {
        scanner.stop();
        field.value = result.data;
        // a scanned party with several people outside is shown to tick who is here
        document.getElementById('code-action').value = 'choose';
        form.submit();
      }, { returnDetailedScanResult: true, highlightScanRegion: true });
      await scanner.start();
    } catch (error) {
      video.hidden = true;
      status.textContent = source.dataset.denied;
    }
  });
}
