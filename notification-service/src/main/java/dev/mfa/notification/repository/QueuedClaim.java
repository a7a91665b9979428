package dev.mfa.notification.repository;

import java.util.UUID;

/** A claimed request of any channel: what the dispatch needs to find its row again. */
public interface QueuedClaim {
    UUID requestId();
}
