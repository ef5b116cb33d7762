package ovi.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import ovi.engine.ClaimStore;
import ovi.engine.OviException;
import ovi.model.Claim;

/**
 * Claims in the store's {@code claims} table. A row is never deleted: release only ends its lease, so the
 * fence of a resource grows for as long as the store lives. Contention is settled by compare-and-set
 * updates on the fence, which need no lock beyond the database's own row write.
 */
public final class JdbcClaimStore implements ClaimStore, AutoCloseable {
    private final Link link;
    private final Clock clock;

    /** Claims over a connection the caller owns and closes. */
    public JdbcClaimStore(Connection db, Clock clock) {
        this(Link.fixed(db), clock);
    }

    JdbcClaimStore(Link link, Clock clock) {
        this.link = link;
        this.clock = clock;
    }

    @Override
    public synchronized Optional<Claim> tryClaim(String resource, String holder, Duration ttl) {
        // a retry after a lost connection is safe: a claim that did get written is found as this holder's
        return retrying("cannot claim " + resource + " in the store", () -> claim(resource, holder, ttl));
    }

    private Optional<Claim> claim(String resource, String holder, Duration ttl) throws SQLException {
        Instant now = clock.instant();
        Instant expires = now.plus(ttl);
        Optional<Claim> cur = read(resource);
        if (cur.isEmpty()) {
            try (PreparedStatement ps = link.get().prepareStatement(
                    "INSERT INTO claims (resource, holder, fence, claimed_at, expires_at) VALUES (?, ?, 1, ?, ?)")) {
                ps.setString(1, resource);
                ps.setString(2, holder);
                ps.setTimestamp(3, Timestamp.from(now));
                ps.setTimestamp(4, Timestamp.from(expires));
                ps.executeUpdate();
                return Optional.of(new Claim(resource, holder, 1, now, expires));
            } catch (SQLException e) {
                if (duplicateKey(e)) {
                    return Optional.empty(); // another process inserted first: it holds the claim
                }
                throw e;
            }
        }
        Claim c = cur.get();
        boolean mine = c.holder().equals(holder) && c.liveAt(now);
        if (!mine && c.liveAt(now)) {
            return Optional.empty();
        }
        long fence = mine ? c.fence() : c.fence() + 1;
        Instant claimedAt = mine ? c.claimedAt() : now;
        try (PreparedStatement ps = link.get().prepareStatement("UPDATE claims SET holder = ?, fence = ?, claimed_at = ?, "
                + "expires_at = ? WHERE resource = ? AND fence = ? AND holder = ?")) {
            ps.setString(1, holder);
            ps.setLong(2, fence);
            ps.setTimestamp(3, Timestamp.from(claimedAt));
            ps.setTimestamp(4, Timestamp.from(expires));
            ps.setString(5, resource);
            ps.setLong(6, c.fence());
            ps.setString(7, c.holder());
            if (ps.executeUpdate() == 1) {
                return Optional.of(new Claim(resource, holder, fence, claimedAt, expires));
            }
            return Optional.empty(); // someone else moved the fence between our read and write
        }
    }

    @Override
    public synchronized boolean holds(Claim claim) {
        return current(claim.resource())
                .filter(c -> c.holder().equals(claim.holder()) && c.fence() == claim.fence() && c.liveAt(clock.instant()))
                .isPresent();
    }

    @Override
    public synchronized void release(Claim claim) {
        retrying("cannot release the claim on " + claim.resource(), () -> {
            try (PreparedStatement ps = link.get().prepareStatement(
                    "UPDATE claims SET expires_at = ? WHERE resource = ? AND holder = ? AND fence = ?")) {
                ps.setTimestamp(1, Timestamp.from(clock.instant()));
                ps.setString(2, claim.resource());
                ps.setString(3, claim.holder());
                ps.setLong(4, claim.fence());
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public synchronized Optional<Claim> current(String resource) {
        return retrying("cannot read the claim on " + resource, () -> read(resource));
    }

    private Optional<Claim> read(String resource) throws SQLException {
        try (PreparedStatement ps = link.get().prepareStatement(
                "SELECT resource, holder, fence, claimed_at, expires_at FROM claims WHERE resource = ?")) {
            ps.setString(1, resource);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    @Override
    public synchronized List<Claim> live() {
        return retrying("cannot list claims", () -> {
            try (PreparedStatement ps = link.get().prepareStatement("SELECT resource, holder, fence, claimed_at, expires_at "
                    + "FROM claims WHERE expires_at > ? ORDER BY resource")) {
                ps.setTimestamp(1, Timestamp.from(clock.instant()));
                List<Claim> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(row(rs));
                    }
                }
                return out;
            }
        });
    }

    private <T> T retrying(String what, Transient.SqlCall<T> call) {
        return Transient.orFail(what, link, call);
    }

    @Override
    public synchronized void close() {
        link.close();
    }

    private static Claim row(ResultSet rs) throws SQLException {
        return new Claim(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getTimestamp(4).toInstant(),
                rs.getTimestamp(5).toInstant());
    }

    private static boolean duplicateKey(SQLException e) {
        // 23505: unique violation, in both H2 and PostgreSQL
        return "23505".equals(e.getSQLState());
    }
}
