package dht.http;

import dht.coordinator.AntiEntropy;
import dht.coordinator.RepairLedger;

import java.util.List;
import java.util.Map;

/** The JSON answers of {@code /v0/admin/repair}: a pass just run, and the last pass per peer and range. */
final class RepairReport {
    private RepairReport() {
    }

    static String pass(List<AntiEntropy.PeerResult> results) {
        StringBuilder out = new StringBuilder("{\"peers\":[");
        for (int i = 0; i < results.size(); i++) {
            AntiEntropy.PeerResult result = results.get(i);
            out.append(i == 0 ? "" : ",").append("{\"peer\":").append(Json.quote(result.peer()))
                    .append(",\"completed\":").append(result.error() == null)
                    .append(",\"startedMillis\":").append(result.startedMillis())
                    .append(",\"durationMillis\":").append(result.durationMillis())
                    .append(",\"keysCompared\":").append(result.compared())
                    .append(",\"rangesDiffering\":").append(result.rangesDiffering())
                    .append(",\"leavesDiffering\":").append(result.leavesDiffering())
                    .append(",\"pulled\":").append(result.pulled())
                    .append(",\"pushed\":").append(result.pushed())
                    .append(",\"refused\":").append(result.refused())
                    .append(",\"bytes\":").append(result.bytes());
            if (result.error() != null) {
                out.append(",\"error\":").append(Json.quote(result.error()));
            }
            out.append('}');
        }
        return out.append("]}").toString();
    }

    static String ledger(AntiEntropy repair) {
        StringBuilder out = new StringBuilder("{\"lastPass\":").append(pass(repair.lastPass()))
                .append(",\"lastPassMillis\":").append(repair.lastPassMillis())
                .append(",\"ranges\":{");
        boolean first = true;
        for (Map.Entry<String, RepairLedger.Pass[]> peer : repair.ledger().passes().entrySet()) {
            out.append(first ? "" : ",").append(Json.quote(peer.getKey())).append(":[");
            first = false;
            RepairLedger.Pass[] passes = peer.getValue();
            for (int range = 0; range < passes.length; range++) {
                RepairLedger.Pass pass = passes[range];
                out.append(range == 0 ? "" : ",");
                if (pass == null) {
                    out.append("null");
                    continue;
                }
                out.append("{\"range\":").append(range)
                        .append(",\"startedMillis\":").append(pass.startedMillis())
                        .append(",\"endedMillis\":").append(pass.endedMillis())
                        .append(",\"keysCompared\":").append(pass.compared())
                        .append(",\"leavesDiffering\":").append(pass.leavesDiffering())
                        .append(",\"pulled\":").append(pass.pulled())
                        .append(",\"pushed\":").append(pass.pushed())
                        .append(",\"bytes\":").append(pass.bytes()).append('}');
            }
            out.append(']');
        }
        return out.append("}}").toString();
    }
}
