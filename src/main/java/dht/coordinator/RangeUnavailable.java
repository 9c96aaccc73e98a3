package dht.coordinator;

/** A cluster-wide range that cannot be complete: too many members are out of reach to cover every key. */
public final class RangeUnavailable extends RuntimeException {
    private final Outcome.NotEnoughReplicas outcome;

    RangeUnavailable(Outcome.NotEnoughReplicas outcome) {
        super(outcome.cause(), null, false, false);
        this.outcome = outcome;
    }

    public Outcome.NotEnoughReplicas outcome() {
        return outcome;
    }
}
