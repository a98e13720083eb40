package io.edgeai.sync.edge;

import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which datasets a changed path can affect: those whose file or directory is that path, lies below it
 * (a parent renamed or removed) or holds it (a file in a directory dataset). Each dataset is known by
 * its paths from the moment it is placed, before its first count, so no change can fall between. A
 * lookup costs the depth of the path plus the matches, not the number of datasets.
 */
final class DatasetPaths {
    private final NavigableMap<String, Set<String>> keysByPath = new TreeMap<>();
    private final Map<String, Set<String>> pathsByKey = new HashMap<>();

    /** The paths of one dataset from now on (its URL's path, and where that really leads). */
    synchronized void watch(String key, Collection<Path> paths) {
        forget(key);
        Set<String> strings = new HashSet<>();
        for (Path path : paths) {
            if (path != null) {
                strings.add(path.toString());
            }
        }
        pathsByKey.put(key, strings);
        for (String path : strings) {
            keysByPath.computeIfAbsent(path, p -> new HashSet<>()).add(key);
        }
    }

    synchronized void forget(String key) {
        Set<String> paths = pathsByKey.remove(key);
        if (paths == null) {
            return;
        }
        for (String path : paths) {
            Set<String> keys = keysByPath.get(path);
            keys.remove(key);
            if (keys.isEmpty()) {
                keysByPath.remove(path);
            }
        }
    }

    synchronized Set<String> affectedBy(Path changed) {
        Set<String> affected = new HashSet<>();
        for (Path path = changed; path != null; path = path.getParent()) {
            affected.addAll(keysByPath.getOrDefault(path.toString(), Set.of()));
        }
        String prefix = changed.toString().endsWith("/") ? changed.toString() : changed + "/";
        String afterPrefix = prefix.substring(0, prefix.length() - 1) + (char) ('/' + 1);
        keysByPath.subMap(prefix, true, afterPrefix, false).values().forEach(affected::addAll);
        return affected;
    }
}
