package dev.parley.persistence.service;

import dev.parley.contracts.chat.ChatLimits;
import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.chat.HistoryPage;
import dev.parley.persistence.config.PersistenceConfig;
import dev.parley.persistence.repository.ConversationRepository;
import dev.parley.persistence.repository.HotWindow;
import dev.parley.persistence.repository.MessageRepository;
import dev.parley.platform.members.MemberDirectory.Lookup;
import dev.parley.platform.members.MemberDirectory;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * History pages by seq. The Redis hot window answers alone only when it provably covers the whole
 * requested range (it starts at or below the first wanted seq and has no gap); otherwise the page
 * is the union of PostgreSQL and the hot window, so a message that either store holds is never
 * missing from a page.
 *
 * <p>Why the hot window's top is trustworthy: delivery-consumer allocates a seq and adds the
 * message to the window in one Lua step, before the message reaches the topic PostgreSQL is fed
 * from; the window is trimmed only from the bottom. So the window always ends at the newest seq.
 */
@ApplicationScoped
public class HistoryService {

    private static final Logger LOG = Logger.getLogger(HistoryService.class);

    private final ConversationRepository conversations;
    private final MemberDirectory memberCache;
    private final HotWindow hot;
    private final MessageRepository cold;
    private final MeterRegistry registry;
    private final int defaultLimit;

    public HistoryService(ConversationRepository conversations, MemberDirectory memberCache, HotWindow hot,
                          MessageRepository cold, MeterRegistry registry, PersistenceConfig config) {
        this.conversations = conversations;
        this.memberCache = memberCache;
        this.hot = hot;
        this.cold = cold;
        this.registry = registry;
        this.defaultLimit = Math.min(config.history().defaultLimit(), ChatLimits.MAX_PAGE);
    }

    public Uni<HistoryPage> page(String caller, String conversationId, Long afterSeq, Long beforeSeq, Integer limit) {
        if (!Ids.isConversation(conversationId)) {
            return Uni.createFrom().failure(Problem.badRequest("malformed conversation id"));
        }
        if (afterSeq != null && beforeSeq != null) {
            return Uni.createFrom().failure(Problem.badRequest("give afterSeq or beforeSeq, not both"));
        }
        int n = limit == null ? defaultLimit : limit;
        if (n < 1 || n > ChatLimits.MAX_PAGE) {
            return Uni.createFrom().failure(Problem.badRequest("limit must be between 1 and " + ChatLimits.MAX_PAGE));
        }
        if (afterSeq != null && afterSeq < 0) {
            return Uni.createFrom().failure(Problem.badRequest("afterSeq must be >= 0"));
        }
        if (beforeSeq != null && beforeSeq < 1) {
            return Uni.createFrom().failure(Problem.badRequest("beforeSeq must be >= 1"));
        }
        long after = afterSeq == null ? 0 : afterSeq;
        // Nothing is read before the membership check has passed.
        return requireMember(conversationId, caller)
                .chain(() -> beforeSeq != null ? backward(conversationId, beforeSeq, n) : forward(conversationId, after, n))
                .invoke(page -> registry.counter("parley.persistence.history.pages", "source", page.source()).increment());
    }

    /** Member check: the Redis set first; on a miss PostgreSQL, then the set is refilled. */
    public Uni<Void> requireMember(String conversationId, String userId) {
        return memberCache.lookup(conversationId, userId)
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("member cache unavailable, asking PostgreSQL: %s", failure.getMessage());
                    return Lookup.UNKNOWN;
                })
                .chain(lookup -> switch (lookup) {
                    case MEMBER -> Uni.createFrom().voidItem();
                    case NOT_MEMBER -> Uni.createFrom().failure(notMember(conversationId));
                    case UNKNOWN -> conversations.membership(conversationId).chain(m -> {
                        if (!m.known()) {
                            return Uni.createFrom().failure(Problem.notFound("no conversation " + conversationId));
                        }
                        Uni<Void> refill = memberCache.replace(conversationId, m.members())
                                .onFailure().recoverWithItem(failure -> null);
                        return refill.chain(() -> m.members().contains(userId)
                                ? Uni.createFrom().voidItem()
                                : Uni.createFrom().failure(notMember(conversationId)));
                    });
                });
    }

    private static Problem notMember(String conversationId) {
        return Problem.forbidden("not a member of conversation " + conversationId);
    }

    /** seq > afterSeq, ascending. */
    Uni<HistoryPage> forward(String conversationId, long afterSeq, int limit) {
        // From afterSeq inclusive: finding afterSeq itself proves the window reaches down far enough.
        return hotOrEmpty(hot.after(conversationId, afterSeq - 1, limit + 2)).chain(window -> {
            List<ChatMessage> wanted = window.stream().filter(m -> m.seq() > afterSeq).toList();
            boolean covered = !window.isEmpty() && window.get(0).seq() <= afterSeq + 1 && ascendingWithoutGap(window);
            if (covered) {
                return Uni.createFrom().item(page(conversationId, wanted, limit, Map.of(), "hot"));
            }
            return cold.after(conversationId, afterSeq, limit + 1)
                    .map(stored -> merged(conversationId, stored, wanted, limit, false));
        });
    }

    /** The {@code limit} messages just below beforeSeq, returned ascending. */
    Uni<HistoryPage> backward(String conversationId, long beforeSeq, int limit) {
        return hotOrEmpty(hot.before(conversationId, beforeSeq, limit + 1)).chain(window -> {
            boolean reachesDown = window.size() == limit + 1 || (!window.isEmpty() && window.get(window.size() - 1).seq() == 1);
            if (reachesDown && descendingWithoutGap(window)) {
                List<ChatMessage> ascending = new ArrayList<>(window);
                Collections.reverse(ascending);
                return Uni.createFrom().item(pageFromTop(conversationId, ascending, limit, "hot"));
            }
            return cold.before(conversationId, beforeSeq, limit + 1)
                    .map(stored -> merged(conversationId, stored, window, limit, true));
        });
    }

    private Uni<List<ChatMessage>> hotOrEmpty(Uni<List<ChatMessage>> read) {
        return read.onFailure().recoverWithItem(failure -> {
            LOG.warnf("hot window unavailable, reading PostgreSQL: %s", failure.getMessage());
            return List.of();
        });
    }

    /**
     * Union by seq of what PostgreSQL and the hot window returned. Each list holds the first
     * {@code limit + 1} of its store in the wanted direction, so the union's first {@code limit + 1}
     * are exactly the first {@code limit + 1} of all messages either store holds.
     */
    private static HistoryPage merged(String conversationId, List<ChatMessage> stored, List<ChatMessage> window,
                                      int limit, boolean backward) {
        TreeMap<Long, ChatMessage> bySeq = new TreeMap<>();
        Map<Long, String> origin = new HashMap<>();
        for (ChatMessage m : stored) {
            bySeq.put(m.seq(), m);
            origin.put(m.seq(), "cold");
        }
        for (ChatMessage m : window) {
            if (bySeq.putIfAbsent(m.seq(), m) == null) {
                origin.put(m.seq(), "hot");
            }
        }
        if (backward) {
            List<ChatMessage> ascending = new ArrayList<>(bySeq.values());
            return pageFromTop(conversationId, ascending, limit, origin);
        }
        return page(conversationId, new ArrayList<>(bySeq.values()), limit, origin, null);
    }

    /** Forward: the first {@code limit} of an ascending list; more exist when the list is longer. */
    private static HistoryPage page(String conversationId, List<ChatMessage> ascending, int limit,
                                    Map<Long, String> origin, String source) {
        List<ChatMessage> page = ascending.size() > limit ? ascending.subList(0, limit) : ascending;
        return new HistoryPage(conversationId, List.copyOf(page), ascending.size() > limit,
                source != null ? source : source(page, origin));
    }

    /** Backward: the last {@code limit} of an ascending list; older ones exist when the list is longer. */
    private static HistoryPage pageFromTop(String conversationId, List<ChatMessage> ascending, int limit, String source) {
        List<ChatMessage> page = ascending.size() > limit ? ascending.subList(ascending.size() - limit, ascending.size()) : ascending;
        return new HistoryPage(conversationId, List.copyOf(page), ascending.size() > limit, source);
    }

    private static HistoryPage pageFromTop(String conversationId, List<ChatMessage> ascending, int limit, Map<Long, String> origin) {
        List<ChatMessage> page = ascending.size() > limit ? ascending.subList(ascending.size() - limit, ascending.size()) : ascending;
        return new HistoryPage(conversationId, List.copyOf(page), ascending.size() > limit, source(page, origin));
    }

    private static String source(List<ChatMessage> page, Map<Long, String> origin) {
        boolean anyHot = page.stream().anyMatch(m -> "hot".equals(origin.get(m.seq())));
        boolean anyCold = page.stream().anyMatch(m -> "cold".equals(origin.get(m.seq())));
        return anyHot && anyCold ? "mixed" : anyHot ? "hot" : "cold";
    }

    private static boolean ascendingWithoutGap(List<ChatMessage> list) {
        for (int i = 1; i < list.size(); i++) {
            if (list.get(i).seq() != list.get(i - 1).seq() + 1) {
                return false;
            }
        }
        return true;
    }

    private static boolean descendingWithoutGap(List<ChatMessage> list) {
        for (int i = 1; i < list.size(); i++) {
            if (list.get(i).seq() != list.get(i - 1).seq() - 1) {
                return false;
            }
        }
        return true;
    }
}
