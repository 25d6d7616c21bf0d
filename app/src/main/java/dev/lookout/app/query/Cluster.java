package dev.lookout.app.query;

import java.util.List;

/**
 * The instances of the application as this one sees them.
 *
 * @param self this instance's {@code host:port} ({@code application.server})
 * @param instances every live instance, this one included
 * @param partitions the partition count of the stores; a complete list covers all of them
 */
public record Cluster(String self, List<String> instances, int partitions) {
}
