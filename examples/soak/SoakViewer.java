import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/** A dashboard viewer for soak.sh: subscribes to every series and counts frames and alerts once a minute. */
public class SoakViewer {
    public static void main(String[] args) throws Exception {
        AtomicLong frames = new AtomicLong(), alerts = new AtomicLong();
        HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(args[0]), new WebSocket.Listener() {
            StringBuilder text = new StringBuilder();
            public void onOpen(WebSocket ws) {
                ws.sendText("{\"type\":\"subscribe\",\"series\":[\"*\"],\"history\":300000}", true);
                ws.request(1);
            }
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    String m = text.toString();
                    text.setLength(0);
                    if (m.contains("\"type\":\"points\"")) frames.incrementAndGet();
                    if (m.contains("\"type\":\"alert\"")) alerts.incrementAndGet();
                }
                ws.request(1);
                return null;
            }
            public void onError(WebSocket ws, Throwable e) { System.out.println("viewer error " + e); }
        }).join();
        while (true) {
            Thread.sleep(60_000);
            System.out.println(java.time.Instant.now() + " viewer frames=" + frames.get() + " alerts=" + alerts.get());
        }
    }
}
