package dev.lookout.app.query;

import java.util.List;
import java.util.Set;

/**
 * What one instance contributes to a list that spans all instances: items from the partitions
 * it could read, and which partitions those were. The partitions let the caller prove a merged
 * list complete, or name what is missing.
 *
 * @param items the instance's items, already in the list's order
 * @param partitions the partitions whose store was read
 */
public record LocalSlice<T>(List<T> items, Set<Integer> partitions) {
}
