/// What a token may do.
///
/// - `admin`: everything, in every namespace, plus departments and tokens.
/// - `publisher`: writes the organisation namespace (and, like a member, its own departments).
/// - `member`: reads the organisation namespace, reads and writes its own departments only.
/// - `reader`: reads the organisation namespace (and its own departments, when it names some).
/// - `replica`: reads everything — every department, the whole repository at `/git/repo.git` — and changes nothing:
///   what a read replica fetches its primary with.
/// - `events`: posts Tekton's run events to the sink (`/api/v1/tekton/events`); reads the organisation, changes nothing.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
    case admin, publisher, member, reader, replica, events
}
