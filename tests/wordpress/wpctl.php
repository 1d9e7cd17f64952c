<?php
/*
 * Small control commands for the harness's WordPress. Reads one JSON object
 * {"op": ..., ...} from stdin, prints one JSON object {"ok": true, "result": ...}.
 * Env: FITARCHIVE_WP_STATE, FITARCHIVE_WP_ORIGIN.
 */

require __DIR__ . '/bootstrap.php';

function fa_out($ok, $payload)
{
    echo json_encode($ok ? array('ok' => true, 'result' => $payload) : array('ok' => false, 'error' => $payload),
        JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), "\n";
    exit($ok ? 0 : 1);
}

function fa_ok_or_fail($value, $what)
{
    if (is_wp_error($value)) {
        fa_out(false, "$what: " . $value->get_error_message());
    }
    if ($value === false || $value === null || $value === 0) {
        fa_out(false, "$what failed");
    }
    return $value;
}

$fa_cmd = json_decode(stream_get_contents(STDIN), true);
if (!is_array($fa_cmd) || empty($fa_cmd['op'])) {
    fa_out(false, 'expected a JSON object with "op"');
}
$fa_admin = get_users(array('role' => 'administrator', 'number' => 1, 'orderby' => 'ID'));
if ($fa_admin) {
    wp_set_current_user($fa_admin[0]->ID);
}

function fa_local_dates($args, $prefix)
{
    // Accepts "date" (site-local "Y-m-d H:i:s") or "date_gmt"; defaults to now.
    if (!empty($args['date'])) {
        return array($args['date'], get_gmt_from_date($args['date']));
    }
    if (!empty($args['date_gmt'])) {
        return array(get_date_from_gmt($args['date_gmt']), $args['date_gmt']);
    }
    return array(current_time('mysql'), current_time('mysql', true));
}

function fa_user_id($who)
{
    if ($who === null || $who === '') {
        return 0;
    }
    if (is_numeric($who)) {
        return (int) $who;
    }
    $u = get_user_by('login', $who);
    return $u ? (int) $u->ID : 0;
}

$a = $fa_cmd;
switch ($a['op']) {
    case 'ping':
        fa_out(true, array('version' => get_bloginfo('version'), 'home' => home_url('/')));

    case 'set_theme':
        if (!wp_get_theme($a['theme'])->exists()) {
            fa_out(false, "theme {$a['theme']} is not installed");
        }
        switch_theme($a['theme']);
        fa_out(true, get_stylesheet());

    case 'set_permalinks':
        global $wp_rewrite;
        $wp_rewrite->set_permalink_structure($a['structure']);
        // Taxonomies add their rewrite rules only when registered with pretty permalinks on.
        create_initial_taxonomies();
        $wp_rewrite->flush_rules(false);
        fa_out(true, get_option('permalink_structure'));

    case 'get_permalink':
        fa_out(true, get_permalink((int) $a['post_id']));

    case 'get_option':
        fa_out(true, get_option($a['name']));

    case 'set_option':
        update_option($a['name'], $a['value']);
        fa_out(true, get_option($a['name']));

    case 'add_comment':
        list($local, $gmt) = fa_local_dates($a, 'comment');
        $user_id = fa_user_id($a['user'] ?? null);
        $data = array(
            'comment_post_ID' => (int) $a['post_id'],
            'comment_parent' => (int) ($a['parent'] ?? 0),
            'comment_content' => $a['content'],
            'comment_type' => $a['type'] ?? 'comment',
            'comment_date' => $local,
            'comment_date_gmt' => $gmt,
            'comment_approved' => $a['approved'] ?? 1,
            'comment_author_IP' => '127.0.0.1',
            'comment_agent' => 'fitarchive-harness',
            'user_id' => $user_id,
        );
        if ($user_id) {
            $u = get_userdata($user_id);
            $data['comment_author'] = $a['author'] ?? $u->display_name;
            $data['comment_author_email'] = $u->user_email;
            $data['comment_author_url'] = $a['author_url'] ?? '';
        } else {
            $data['comment_author'] = $a['author'] ?? 'Harness Reader';
            $data['comment_author_email'] = $a['author_email'] ?? 'reader@readers.example';
            $data['comment_author_url'] = $a['author_url'] ?? '';
        }
        $id = fa_ok_or_fail(wp_insert_comment(wp_slash($data)), 'add_comment');
        fa_out(true, (int) $id);

    case 'edit_comment':
        $data = array('comment_ID' => (int) $a['comment_id']);
        if (isset($a['content'])) {
            $data['comment_content'] = $a['content'];
        }
        $r = wp_update_comment(wp_slash($data), true);
        if (is_wp_error($r)) {
            fa_out(false, $r->get_error_message());
        }
        fa_out(true, (int) $a['comment_id']);

    case 'set_comment_status':
        // "approve", "hold", "spam", "trash"
        fa_ok_or_fail(wp_set_comment_status((int) $a['comment_id'], $a['status'], true), 'set_comment_status');
        fa_out(true, wp_get_comment_status((int) $a['comment_id']));

    case 'trash_comment':
        fa_ok_or_fail(wp_trash_comment((int) $a['comment_id']), 'trash_comment');
        fa_out(true, wp_get_comment_status((int) $a['comment_id']));

    case 'delete_comment':
        fa_ok_or_fail(wp_delete_comment((int) $a['comment_id'], true), 'delete_comment');
        fa_out(true, true);

    case 'edit_post':
        $data = array('ID' => (int) $a['post_id']);
        if (isset($a['content'])) {
            $data['post_content'] = $a['content'];
        }
        if (isset($a['append'])) {
            $data['post_content'] = get_post((int) $a['post_id'])->post_content . "\n\n" . $a['append'];
        }
        if (isset($a['title'])) {
            $data['post_title'] = $a['title'];
        }
        if (isset($a['status'])) {
            $data['post_status'] = $a['status'];
        }
        $id = fa_ok_or_fail(wp_update_post(wp_slash($data), true), 'edit_post');
        $p = get_post($id);
        fa_out(true, array('id' => (int) $id, 'modified_gmt' => $p->post_modified_gmt));

    case 'add_post':
        list($local, $gmt) = fa_local_dates($a, 'post');
        $data = array(
            'post_type' => $a['post_type'] ?? 'post',
            'post_status' => $a['status'] ?? 'publish',
            'post_title' => $a['title'],
            'post_content' => $a['content'] ?? '',
            'post_author' => fa_user_id($a['author'] ?? null) ?: ($fa_admin ? $fa_admin[0]->ID : 1),
            'post_date' => $local,
            'post_date_gmt' => $gmt,
        );
        if (!empty($a['slug'])) {
            $data['post_name'] = $a['slug'];
        }
        $id = fa_ok_or_fail(wp_insert_post(wp_slash($data), true), 'add_post');
        if (!empty($a['categories'])) {
            $cats = array();
            foreach ($a['categories'] as $name) {
                $t = term_exists($name, 'category') ?: wp_insert_term($name, 'category');
                $cats[] = (int) $t['term_id'];
            }
            wp_set_post_terms($id, $cats, 'category');
        }
        if (!empty($a['tags'])) {
            wp_set_post_terms($id, $a['tags'], 'post_tag');
        }
        fa_out(true, array('id' => (int) $id, 'url' => get_permalink($id)));

    case 'trash_post':
        fa_ok_or_fail(wp_trash_post((int) $a['post_id']), 'trash_post');
        fa_out(true, true);

    case 'delete_post':
        fa_ok_or_fail(wp_delete_post((int) $a['post_id'], true), 'delete_post');
        fa_out(true, true);

    case 'change_origin':
        // The database was made for another origin: rewrite the stored absolute URLs.
        global $wpdb;
        $old = untrailingslashit($a['old']);
        $new = untrailingslashit($a['new']);
        update_option('home', $new);
        update_option('siteurl', $new);
        foreach (array(
            array($wpdb->posts, 'post_content'),
            array($wpdb->posts, 'guid'),
            array($wpdb->posts, 'post_excerpt'),
            array($wpdb->comments, 'comment_content'),
            array($wpdb->comments, 'comment_author_url'),
        ) as $tc) {
            $wpdb->query($wpdb->prepare("UPDATE {$tc[0]} SET {$tc[1]} = REPLACE({$tc[1]}, %s, %s)", $old, $new));
        }
        fa_out(true, $new);

    default:
        fa_out(false, "unknown op {$a['op']}");
}
