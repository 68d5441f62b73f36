/** Tags: the {@code /v1/tags} routes and the lookups visitors use to assign tags by id or by name. */
package io.echotag.tags;
