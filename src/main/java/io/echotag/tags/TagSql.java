package io.echotag.tags;

/** The SQL of tags; every statement filters on the project. */
final class TagSql {
  private TagSql() {
  }

  static final String COLUMNS = "t.id, t.project_id, t.name, t.description, t.color, t.created_at, t.updated_at";

  static final String INSERT = "INSERT INTO tags AS t (id, project_id, name, description, color, created_at, "
      + "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING " + COLUMNS;

  /** Finds a tag by name or creates it; the no-op update makes RETURNING answer in both cases. */
  static final String ENSURE = "INSERT INTO tags AS t (id, project_id, name, color, created_at, updated_at) "
      + "VALUES ($1, $2, $3, '#3B82F6', $4, $4) ON CONFLICT (project_id, name) DO UPDATE SET name = excluded.name "
      + "RETURNING " + COLUMNS;

  static final String WITH_COUNT = "SELECT " + COLUMNS + ", "
      + "(SELECT count(*) FROM visitor_tags vt WHERE vt.project_id = t.project_id AND vt.tag_id = t.id) "
      + "AS visitor_count FROM tags t ";

  static final String LIST = WITH_COUNT + "WHERE t.project_id = $1 ORDER BY t.name, t.id LIMIT $2 OFFSET $3";

  static final String GET = WITH_COUNT + "WHERE t.project_id = $1 AND t.id = $2";

  static final String BY_ID = "SELECT " + COLUMNS + " FROM tags t WHERE t.project_id = $1 AND t.id = $2";

  static final String UPDATE = "UPDATE tags AS t SET name = $3, description = $4, color = $5, updated_at = now() "
      + "WHERE t.project_id = $1 AND t.id = $2 RETURNING " + COLUMNS + ", "
      + "(SELECT count(*) FROM visitor_tags vt WHERE vt.project_id = t.project_id AND vt.tag_id = t.id) AS visitor_count";

  static final String DELETE = "DELETE FROM tags WHERE project_id = $1 AND id = $2 RETURNING id";
}
