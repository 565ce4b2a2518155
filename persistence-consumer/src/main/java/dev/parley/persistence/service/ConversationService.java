package dev.parley.persistence.service;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import dev.parley.contracts.chat.Conversation;
import dev.parley.contracts.text.StorableText;
import dev.parley.persistence.config.PersistenceConfig;
import dev.parley.persistence.repository.ConversationRepository.Created;
import dev.parley.persistence.repository.ConversationRepository;
import dev.parley.platform.members.MemberDirectory;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Conversations: PostgreSQL is the system of record, the Redis member set a cache filled on create
 * (and by readers on a miss). Every check runs before anything is written.
 */
@ApplicationScoped
public class ConversationService {

    public static final int MAX_TITLE_CHARS = 200;
    private static final Logger LOG = Logger.getLogger(ConversationService.class);

    /** UUIDv7: time-ordered, so group ids sort by creation like the direct ids' rows do by created_at. */
    private static final TimeBasedEpochGenerator UUID_V7 = Generators.timeBasedEpochGenerator();

    /** Body of {@code POST /conversations}. */
    public record CreateRequest(String kind, String title, List<String> members) {
    }

    private final ConversationRepository repository;
    private final MemberDirectory memberCache;
    private final PersistenceConfig.History history;

    public ConversationService(ConversationRepository repository, MemberDirectory memberCache, PersistenceConfig config) {
        this.repository = repository;
        this.memberCache = memberCache;
        this.history = config.history();
    }

    public Uni<Created> create(String caller, CreateRequest request) {
        return Uni.createFrom().item(() -> validate(caller, request))
                .chain(valid -> repository.create(valid.id(), valid.kind(), valid.title(), valid.members(), caller))
                .call(created -> fillCache(created.conversation()));
    }

    public Uni<Conversation> get(String caller, String conversationId) {
        if (!Ids.isConversation(conversationId)) {
            return Uni.createFrom().failure(Problem.badRequest("malformed conversation id"));
        }
        return repository.find(conversationId).map(conversation -> {
            if (conversation == null) {
                throw Problem.notFound("no conversation " + conversationId);
            }
            if (!conversation.members().contains(caller)) {
                throw Problem.forbidden("not a member of conversation " + conversationId);
            }
            return conversation;
        });
    }

    public Uni<List<Conversation>> list(String caller, String member, Integer limit) {
        String who = member == null ? caller : member;
        if (!Ids.isUser(who)) {
            return Uni.createFrom().failure(Problem.badRequest("member must match " + Ids.USER.pattern()));
        }
        if (!who.equals(caller)) {
            return Uni.createFrom().failure(Problem.forbidden("only your own conversations can be listed"));
        }
        int max = history.maxConversations();
        int n = limit == null ? Math.min(50, max) : limit;
        if (n < 1 || n > max) {
            return Uni.createFrom().failure(Problem.badRequest("limit must be between 1 and " + max));
        }
        return repository.listFor(who, n);
    }

    /** Best effort: the set is a cache; a reader that misses it loads PostgreSQL and fills it. */
    private Uni<Void> fillCache(Conversation conversation) {
        return memberCache.replace(conversation.id(), conversation.members())
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("member cache of %s not filled: %s", conversation.id(), failure.getMessage());
                    return null;
                });
    }

    private record Valid(String id, String kind, String title, List<String> members) {
    }

    private static Valid validate(String caller, CreateRequest request) {
        if (request == null) {
            throw Problem.badRequest("a JSON body {kind, title, members} is required");
        }
        if (request.members() == null || request.members().isEmpty()) {
            throw Problem.badRequest("members is required");
        }
        Set<String> members = new LinkedHashSet<>();
        for (String m : request.members()) {
            if (!Ids.isUser(m)) {
                throw Problem.badRequest("every member must match " + Ids.USER.pattern());
            }
            members.add(m);
        }
        if (!members.contains(caller)) {
            throw Problem.forbidden("the caller must be one of the members");
        }
        String title = request.title();
        if (title != null) {
            checkTitle(title);
        }
        if (Conversation.DIRECT.equals(request.kind())) {
            if (members.size() != 2) {
                throw Problem.badRequest("a direct conversation has exactly 2 distinct members");
            }
            List<String> pair = new ArrayList<>(members);
            return new Valid(Ids.direct(pair.get(0), pair.get(1)), Conversation.DIRECT, title, List.copyOf(members));
        }
        if (Conversation.GROUP.equals(request.kind())) {
            if (members.size() < 2 || members.size() > Conversation.MAX_GROUP_MEMBERS) {
                throw Problem.badRequest("a group has 2 to " + Conversation.MAX_GROUP_MEMBERS + " distinct members");
            }
            if (title == null) {
                throw Problem.badRequest("a group needs a title");
            }
            return new Valid(UUID_V7.generate().toString(), Conversation.GROUP, title, List.copyOf(members));
        }
        throw Problem.badRequest("kind must be 'direct' or 'group'");
    }

    /** Counted as the column's check constraint counts (char_length); refused before anything is written. */
    private static void checkTitle(String title) {
        String problem = StorableText.problem("title", title, MAX_TITLE_CHARS);
        if (problem != null) {
            throw Problem.badRequest(problem);
        }
        if (title.codePoints().anyMatch(Character::isISOControl)) {
            throw Problem.badRequest("title must not contain control characters");
        }
        if (!StorableText.isVisible(title)) {
            throw Problem.badRequest("title must have a visible character (not only spaces or format characters)");
        }
    }
}
