package dht.coordinator;

import dht.cluster.HandoffPlan;
import dht.cluster.HandoffProgress;
import dht.cluster.Membership;
import dht.cluster.Threads;
import dht.cluster.Transition;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Begins membership changes and moves them from phase to phase.
 *
 * <p>Design. Changes are begun and driven by one member, the {@linkplain #coordinator
 * coordinator}: the member whose URL sorts first, but never one being removed. Others pass their
 * admin requests to it, so two changes can never begin at once. A change begins only when every
 * member it involves answers a ping (else nothing changes and the request is refused), and a
 * removed member only if it does not answer (a live member leaves instead). Each phase is a new
 * epoch, adopted here first, then offered to every participant again and again until each holds
 * it: only then does the driver move on. So at any moment the members hold at most two adjacent
 * phases, whose rules agree (see {@link Placement}); a participant that cannot be reached holds
 * the change where it is. The streaming phase ends once every target reports every stream done.
 * After the last phase, the new member set is offered to the old participants too, so that a
 * leaving member learns it left. Each phase is stored before it is offered, so a driver that
 * restarts goes on from where it was.
 *
 * <p>A change can be called off ({@link #abort}) in any phase: every member goes back to the old
 * member set, which holds every write, since all of them went to both rings.
 *
 * <p>Not handled: a driver that never comes back holds the change where it is; the members go on
 * serving, with writes to both rings, until it returns.
 */
public final class TransitionDriver implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TransitionDriver.class.getName());
    private static final long RETRY_MILLIS = 500;
    /** How long the new member set is offered to members that do not answer, after a change ends. */
    private static final long FINAL_OFFER_MILLIS = 60_000;

    /** The calls the driver makes to other members: the seam between it and the peer transport. */
    public interface Calls {
        /** Completes with the member's epoch when it answers. */
        CompletableFuture<Long> ping(String member);

        /** Completes with the membership the member holds once it was offered this one. */
        CompletableFuture<Membership> offer(String member, Membership membership);

        /** The member's handoff streams in the change named by its first epoch. */
        CompletableFuture<List<HandoffProgress>> progress(String member, long transition);
    }

    /** What became of a request to change the members. */
    public record Answer(Status status, String reason) {
    }

    public enum Status { ACCEPTED, INVALID, CONFLICT, UNAVAILABLE }

    /**
     * A change that ended, as the cluster report shows it.
     *
     * @param streamingMillis when its streams began
     * @param streamedMillis when the last of them was done
     * @param keys the records streamed, and their {@code bytes}
     */
    public record Finished(Transition.Kind kind, String subject, long startedMillis, long streamingMillis,
                           long streamedMillis, long endedMillis, long keys, long bytes, long epoch) {
    }

    // fixed after construction
    private final String self;
    private final ClusterView view;
    private final Handoff handoff;
    private final Calls calls;
    private final LongSupplier wallMillis;
    private final ExecutorService requests = Executors.newSingleThreadExecutor(Threads.daemon("membership requests"));
    private final ExecutorService driver = Executors.newSingleThreadExecutor(Threads.daemon("membership driver"));
    private final AtomicBoolean driving = new AtomicBoolean();

    // any thread; written by the driver thread
    private volatile List<HandoffProgress> streams = List.of();
    private volatile List<String> waitingFor = List.of();
    private volatile long streamingSinceMillis;
    private volatile long streamedMillis;
    private volatile Finished last;
    private volatile boolean closed;

    public TransitionDriver(String self, ClusterView view, Handoff handoff, Calls calls, LongSupplier wallMillis) {
        this.self = self;
        this.view = view;
        this.handoff = handoff;
        this.calls = calls;
        this.wallMillis = wallMillis;
    }

    /** The member that begins and drives a change of this kind: the first member that is not being removed. */
    public static String coordinator(Membership membership, Transition.Kind kind, String subject) {
        for (String member : membership.members()) {
            if (!(kind == Transition.Kind.REMOVE && member.equals(subject))) {
                return member;
            }
        }
        return membership.members().get(0);
    }

    /** Goes on driving a change this node drives, after a restart or once it adopted one. */
    public void resume() {
        Transition change = view.membership().transition();
        if (change != null && change.driver().equals(self) && driving.compareAndSet(false, true)) {
            driver.execute(this::drive);
        }
    }

    /** Begins a change, if this node coordinates it and it can be carried out now. */
    public CompletableFuture<Answer> request(Transition.Kind kind, String subject) {
        return CompletableFuture.supplyAsync(() -> begin(kind, subject), requests);
    }

    /** Calls off the change this node drives: the members go back to the old member set. */
    public CompletableFuture<Answer> abort() {
        return CompletableFuture.supplyAsync(() -> {
            Membership aborted;
            Membership now;
            synchronized (this) {
                now = view.membership();
                Transition change = now.transition();
                if (change == null) {
                    return new Answer(Status.INVALID, "no change is under way");
                }
                if (!change.driver().equals(self)) {
                    return new Answer(Status.CONFLICT, change.driver() + " drives the change, not " + self);
                }
                aborted = now.abort();
                view.offer(aborted).join();
            }
            LOG.log(System.Logger.Level.INFO, "called off the {0} of {1} at epoch {2}", now.transition().kind().label(),
                    now.transition().subject(), aborted.epoch());
            driver.execute(() -> offerUntilAll(aborted, now.participants()));
            return new Answer(Status.ACCEPTED, "called off; " + ClusterView.describe(aborted));
        }, requests);
    }

    private Answer begin(Transition.Kind kind, String subject) {
        Membership now = view.membership();
        if (now.transition() != null) {
            return new Answer(Status.CONFLICT, "a change is under way: " + ClusterView.describe(now));
        }
        String coordinator = coordinator(now, kind, subject);
        if (!coordinator.equals(self)) {
            return new Answer(Status.CONFLICT, coordinator + " coordinates changes, not " + self);
        }
        Answer invalid = validate(now, kind, subject);
        if (invalid != null) {
            return invalid;
        }
        Set<String> involved = new LinkedHashSet<>(now.members());
        involved.add(subject);
        involved.remove(self);
        if (kind == Transition.Kind.REMOVE) {
            involved.remove(subject);
            if (answers(subject)) {
                return new Answer(Status.CONFLICT, subject + " answers: a live member leaves (admin leave), it is not removed");
            }
        }
        for (String member : involved) {
            if (!answers(member)) {
                return new Answer(Status.UNAVAILABLE, member + " is out of reach, so nothing changed; bring it back"
                        + (now.members().contains(member) && !member.equals(subject) ? " or remove it first" : ""));
            }
        }
        Membership begun = now.begin(kind, subject, self, wallMillis.getAsLong());
        view.offer(begun).join();
        LOG.log(System.Logger.Level.INFO, "began the {0} of {1} at epoch {2}", kind.label(), subject, begun.epoch());
        resume();
        return new Answer(Status.ACCEPTED, ClusterView.describe(begun));
    }

    private static Answer validate(Membership now, Transition.Kind kind, String subject) {
        boolean member = now.members().contains(subject);
        if (kind == Transition.Kind.JOIN && member) {
            return new Answer(Status.CONFLICT, subject + " is already a member");
        }
        if (kind != Transition.Kind.JOIN && !member) {
            return new Answer(Status.INVALID, subject + " is not a member");
        }
        if (kind != Transition.Kind.JOIN && now.members().size() == 1) {
            return new Answer(Status.INVALID, "the last member cannot go");
        }
        return null;
    }

    private boolean answers(String member) {
        try {
            calls.ping(member).join();
            return true;
        } catch (CompletionException e) {
            return false;
        }
    }

    private void drive() {
        try {
            while (!closed) {
                Membership now = view.membership();
                Transition change = now.transition();
                if (change == null || !change.driver().equals(self)) {
                    return;
                }
                if (!offerToAll(now, now.participants()) || !ready(now)) {
                    pause();
                    continue;
                }
                Membership next = now.advance();
                synchronized (this) {
                    if (!view.membership().equals(now)) {
                        continue; // called off meanwhile
                    }
                    view.offer(next).join();
                }
                if (next.transition() != null && next.transition().phase() == Transition.Phase.STREAMING) {
                    streamingSinceMillis = wallMillis.getAsLong();
                } else if (now.transition().phase() == Transition.Phase.STREAMING) {
                    streamedMillis = wallMillis.getAsLong();
                }
                if (next.transition() == null) {
                    finish(now, next);
                    return;
                }
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "driving the membership change failed; it resumes at the next start", e);
        } finally {
            driving.set(false);
        }
    }

    /** Whether the phase may end: for streaming, once every stream is done. */
    private boolean ready(Membership now) {
        if (now.transition().phase() != Transition.Phase.STREAMING) {
            return true;
        }
        HandoffPlan plan = view.placement().plan();
        Set<String> targets = new LinkedHashSet<>();
        for (HandoffPlan.Stream stream : plan.streams()) {
            targets.add(stream.target());
        }
        List<HandoffProgress> reported = new ArrayList<>();
        List<String> silent = new ArrayList<>();
        for (String target : targets) {
            try {
                long transition = now.transition().startEpoch();
                reported.addAll(target.equals(self) ? handoff.progress(transition) : calls.progress(target, transition).join());
            } catch (CompletionException e) {
                silent.add(target);
            }
        }
        streams = List.copyOf(reported);
        waitingFor = List.copyOf(silent);
        long done = reported.stream().filter(HandoffProgress::done).count();
        return silent.isEmpty() && done == plan.streams().size();
    }

    /** Offers the membership to each of these members until all hold it; false if one did not answer. */
    private boolean offerToAll(Membership membership, Set<String> members) {
        List<String> missing = new ArrayList<>();
        List<CompletableFuture<Membership>> offers = new ArrayList<>();
        List<String> offered = new ArrayList<>();
        for (String member : members) {
            if (!member.equals(self)) {
                offers.add(calls.offer(member, membership));
                offered.add(member);
            }
        }
        for (int i = 0; i < offers.size(); i++) {
            try {
                Membership held = offers.get(i).join();
                if (held.epoch() < membership.epoch()) {
                    missing.add(offered.get(i));
                }
            } catch (CompletionException e) {
                missing.add(offered.get(i));
            }
        }
        waitingFor = List.copyOf(missing);
        return missing.isEmpty();
    }

    private void finish(Membership lastPhase, Membership done) {
        Transition change = lastPhase.transition();
        long keys = 0;
        long bytes = 0;
        for (HandoffProgress stream : streams) {
            keys += stream.keys();
            bytes += stream.bytes();
        }
        last = new Finished(change.kind(), change.subject(), change.startedMillis(), streamingSinceMillis, streamedMillis,
                wallMillis.getAsLong(), keys, bytes, done.epoch());
        LOG.log(System.Logger.Level.INFO, "the {0} of {1} is done at epoch {2}", change.kind().label(), change.subject(),
                done.epoch());
        offerUntilAll(done, lastPhase.participants());
    }

    /** Offers a membership without a change to these members until each holds it, or for a minute at most. */
    private void offerUntilAll(Membership done, Set<String> members) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FINAL_OFFER_MILLIS);
        while (!closed && !offerToAll(done, members) && System.nanoTime() < until) {
            pause();
        }
        waitingFor = List.of();
    }

    private void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** The streams of the change under way as their targets last reported them (on the driver). */
    public List<HandoffProgress> streams() {
        return streams;
    }

    /** The members the driver waits for now: those that did not take the phase, or did not report. */
    public List<String> waitingFor() {
        return waitingFor;
    }

    /** When the streaming phase of the change under way began, on the driver; 0 before. */
    public long streamingSinceMillis() {
        return streamingSinceMillis;
    }

    /** The last change this node drove to its end since it started, or null. */
    public Finished last() {
        return last;
    }

    @Override
    public void close() {
        closed = true;
        Threads.stopAndWait(requests);
        Threads.stopAndWait(driver);
    }
}
