<?php
/*
 * Router for `php -S 127.0.0.1:PORT -t STATE/wp router.php`.
 *
 * - serves static files (uploads, theme and core assets) itself, with ETag /
 *   Last-Modified and conditional GET support;
 * - runs .php files and sends everything else (pretty permalinks, sitemaps,
 *   feeds, /wp-json/...) to index.php;
 * - applies the runtime switches in STATE/switches.json: "rest_blocked"
 *   (401 JSON for /wp-json/ and ?rest_route=) and "robots_txt";
 * - appends one JSON line per request to STATE/requests.jsonl with the method,
 *   path+query, status and the number of response body bytes sent.
 *
 * The code below runs at file scope on purpose: WordPress expects the files it
 * is loaded from to be included in the global scope.
 */

$fa_state = getenv('FITARCHIVE_WP_STATE');
if (!$fa_state) {
    http_response_code(500);
    echo "FITARCHIVE_WP_STATE is not set\n";
    return true;
}
$fa_root = $fa_state . '/wp';

$GLOBALS['fa_request'] = [
    't' => microtime(true),
    'method' => $_SERVER['REQUEST_METHOD'] ?? 'GET',
    'uri' => $_SERVER['REQUEST_URI'] ?? '/',
    'log' => $fa_state . '/requests.jsonl',
    'bytes' => 0,
    'done' => false,
];

function fa_write_log()
{
    $r = &$GLOBALS['fa_request'];
    if ($r['done']) {
        return;
    }
    $r['done'] = true;
    $status = http_response_code();
    $line = json_encode([
        'ts' => round($r['t'], 6),
        'method' => $r['method'],
        'path' => $r['uri'],
        'status' => $status === false ? 200 : $status,
        'bytes' => $r['method'] === 'HEAD' ? 0 : $r['bytes'],
        'ms' => round((microtime(true) - $r['t']) * 1000, 1),
        'pid' => getmypid(),
    ], JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
    file_put_contents($r['log'], $line . "\n", FILE_APPEND | LOCK_EX);
}

function fa_count_output($buffer, $phase)
{
    if (!($phase & PHP_OUTPUT_HANDLER_CLEAN)) {
        // A cleaned buffer is discarded, not sent.
        $GLOBALS['fa_request']['bytes'] += strlen($buffer);
    }
    if ($phase & PHP_OUTPUT_HANDLER_FINAL) {
        fa_write_log();
    }
    return $buffer;
}

// Counts every byte of the body, however WordPress nests or flushes its own buffers.
ob_start('fa_count_output', 0, PHP_OUTPUT_HANDLER_STDFLAGS);

$fa_switches = [];
if (is_file($fa_state . '/switches.json')) {
    $fa_switches = json_decode((string) file_get_contents($fa_state . '/switches.json'), true) ?: [];
}

$fa_path = parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH);
$fa_path = rawurldecode($fa_path === null || $fa_path === false ? '/' : $fa_path);
if ($fa_path === '' || $fa_path[0] !== '/') {
    $fa_path = '/' . $fa_path;
}

if (!empty($fa_switches['rest_blocked'])
    && (strncmp($fa_path, '/wp-json', 8) === 0 || isset($_GET['rest_route']))) {
    http_response_code(401);
    header('Content-Type: application/json; charset=UTF-8');
    echo json_encode([
        'code' => 'rest_login_required',
        'message' => 'REST API restricted to authenticated users.',
        'data' => ['status' => 401],
    ]);
    return true;
}

if ($fa_path === '/robots.txt' && isset($fa_switches['robots_txt']) && $fa_switches['robots_txt'] !== null) {
    header('Content-Type: text/plain; charset=utf-8');
    echo $fa_switches['robots_txt'];
    return true;
}

if (strpos($fa_path, '/..') !== false || strpos($fa_path, "\0") !== false) {
    http_response_code(400);
    echo "Bad request\n";
    return true;
}

$fa_file = $fa_root . $fa_path;
$fa_script = null;

if (is_dir($fa_file)) {
    if (is_file(rtrim($fa_file, '/') . '/index.php')) {
        if (substr($fa_path, -1) !== '/') {
            $q = parse_url($_SERVER['REQUEST_URI'], PHP_URL_QUERY);
            header('Location: ' . $fa_path . '/' . ($q ? '?' . $q : ''), true, 301);
            return true;
        }
        $fa_script = rtrim($fa_file, '/') . '/index.php';
    } elseif ($fa_path !== '/') {
        http_response_code(403);
        echo "Forbidden\n";
        return true;
    }
} elseif (is_file($fa_file)) {
    if (substr($fa_file, -4) === '.php') {
        $fa_script = $fa_file;
    } else {
        $fa_types = [
            'css' => 'text/css; charset=utf-8', 'js' => 'application/javascript; charset=utf-8',
            'json' => 'application/json', 'jpg' => 'image/jpeg', 'jpeg' => 'image/jpeg',
            'png' => 'image/png', 'gif' => 'image/gif', 'webp' => 'image/webp',
            'svg' => 'image/svg+xml', 'ico' => 'image/x-icon', 'woff' => 'font/woff',
            'woff2' => 'font/woff2', 'ttf' => 'font/ttf', 'txt' => 'text/plain; charset=utf-8',
            'html' => 'text/html; charset=utf-8', 'xml' => 'application/xml',
            'map' => 'application/json',
        ];
        $fa_ext = strtolower(pathinfo($fa_file, PATHINFO_EXTENSION));
        $fa_stat = stat($fa_file);
        $fa_etag = sprintf('"%x-%x"', $fa_stat['size'], $fa_stat['mtime']);
        $fa_lastmod = gmdate('D, d M Y H:i:s', $fa_stat['mtime']) . ' GMT';
        header('Content-Type: ' . ($fa_types[$fa_ext] ?? 'application/octet-stream'));
        header('ETag: ' . $fa_etag);
        header('Last-Modified: ' . $fa_lastmod);
        header('Cache-Control: max-age=3600');
        $inm = $_SERVER['HTTP_IF_NONE_MATCH'] ?? null;
        $ims = $_SERVER['HTTP_IF_MODIFIED_SINCE'] ?? null;
        if (($inm !== null && trim($inm) === $fa_etag)
            || ($inm === null && $ims !== null && strtotime($ims) >= $fa_stat['mtime'])) {
            http_response_code(304);
            return true;
        }
        header('Content-Length: ' . $fa_stat['size']);
        if ($_SERVER['REQUEST_METHOD'] !== 'HEAD') {
            readfile($fa_file);
        }
        return true;
    }
}

if ($fa_script === null) {
    // Pretty permalinks, sitemaps, feeds, /wp-json/..., 404s: WordPress decides.
    $fa_script = $fa_root . '/index.php';
}

$_SERVER['SCRIPT_FILENAME'] = $fa_script;
$_SERVER['SCRIPT_NAME'] = substr($fa_script, strlen($fa_root));
$_SERVER['PHP_SELF'] = $_SERVER['SCRIPT_NAME'];
unset($_SERVER['PATH_INFO']);
if (!defined('ABSPATH')) {
    define('ABSPATH', $fa_root . '/');
}
chdir(dirname($fa_script));
unset($fa_file, $fa_path, $fa_switches);
require $fa_script;
return true;
