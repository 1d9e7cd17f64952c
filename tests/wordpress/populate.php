<?php
/*
 * Installs the harness's WordPress and fills it with a small fitness blog:
 * posts in classic and block markup, routine images made with GD, threaded
 * comments (one post with more than 100), authors, terms, and hidden content
 * that must never reach an archive. Writes the ground truth to
 * STATE/manifest.json (shape documented in README.md).
 *
 * Run through the harness: php populate.php  (env: FITARCHIVE_WP_STATE, FITARCHIVE_WP_ORIGIN)
 * Every date is fixed, so two runs give the same site apart from ids-free details.
 */

define('WP_INSTALLING', true);
require __DIR__ . '/bootstrap.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/image.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/media.php';

const FA_TIMEZONE = 'Europe/Berlin';
const FA_THREAD_DEPTH = 3;
const FA_COMMENTS_PER_PAGE = 20;
const FA_PERMALINKS = '/%year%/%monthnum%/%day%/%postname%/';

function fa_fail($msg)
{
    fwrite(STDERR, "populate: $msg\n");
    exit(1);
}

function fa_check($value, $what)
{
    if (is_wp_error($value)) {
        fa_fail($what . ': ' . $value->get_error_message());
    }
    if (!$value) {
        fa_fail($what . ' failed');
    }
    return $value;
}

/* ------------------------------------------------------------------ install */

$fa_result = wp_install('Ironbark Training Journal', 'dana', 'dana@ironbark.example', true, '', 'harness-password-not-secret');
$fa_admin_id = (int) $fa_result['user_id'];
wp_set_current_user($fa_admin_id);

// Drop the stock content wp_install() makes ("Hello world!", its comment, Sample Page, Privacy Policy).
foreach (get_posts(array('post_type' => array('post', 'page'), 'post_status' => 'any', 'numberposts' => -1)) as $p) {
    wp_delete_post($p->ID, true);
}
update_option('wp_page_for_privacy_policy', 0);

$fa_options = array(
    'blogdescription' => 'Routines, form notes and honest training logs',
    'timezone_string' => FA_TIMEZONE,
    'gmt_offset' => '',
    'date_format' => 'F j, Y',
    'time_format' => 'g:i a',
    'start_of_week' => 1,
    'thread_comments' => 1,
    'thread_comments_depth' => FA_THREAD_DEPTH,
    'page_comments' => 1,
    'comments_per_page' => FA_COMMENTS_PER_PAGE,
    'default_comments_page' => 'newest',
    'comment_order' => 'asc',
    'show_avatars' => 0,
    'default_pingback_flag' => 0,
    'default_ping_status' => 'open',
    'default_comment_status' => 'open',
    'close_comments_for_old_posts' => 0,
    'comments_notify' => 0,
    'moderation_notify' => 0,
    'comment_registration' => 0,
    'require_name_email' => 1,
    'posts_per_page' => 10,
    'posts_per_rss' => 10,
    'rss_use_excerpt' => 0,
    'blog_public' => 1,
    'uploads_use_yearmonth_folders' => 1,
);
foreach ($fa_options as $k => $v) {
    update_option($k, $v);
}
switch_theme('twentytwentyone');
global $wp_rewrite;
$wp_rewrite->set_permalink_structure(FA_PERMALINKS);
// Taxonomies add their rewrite rules only when registered with pretty permalinks on (or in wp-admin).
create_initial_taxonomies();
$wp_rewrite->flush_rules(false);

// Keep the database free of revisions made while the posts are assembled below.
remove_action('post_updated', 'wp_save_post_revision', 10);

/* ------------------------------------------------------------------ authors */

$fa_users = array('dana' => $fa_admin_id);
wp_update_user(array(
    'ID' => $fa_admin_id,
    'display_name' => 'Dana Whitfield',
    'first_name' => 'Dana',
    'last_name' => 'Whitfield',
    'nickname' => 'Dana Whitfield',
    'user_url' => '',
    'description' => 'Head coach. Writes the strength programs.',
));
foreach (array(
    array('zoe', 'Zoë Müller', 'Zoë', 'Müller', 'zoe', 'editor', 'Mobility coach and former gymnast.'),
    array('jose', 'José Núñez', 'José', 'Núñez', 'jose-nunez', 'author', 'Kettlebells, meal prep and long walks.'),
    array('priya', 'Priya Raman', 'Priya', 'Raman', 'priya', 'author', 'Runner who learned to love the barbell.'),
) as $u) {
    $fa_users[$u[0]] = (int) fa_check(wp_insert_user(array(
        'user_login' => $u[0],
        'user_pass' => 'harness-password-not-secret',
        'user_email' => $u[0] . '@ironbark.example',
        'display_name' => $u[1],
        'nickname' => $u[1],
        'first_name' => $u[2],
        'last_name' => $u[3],
        'user_nicename' => $u[4],
        'role' => $u[5],
        'description' => $u[6],
    )), "user {$u[0]}");
}

/* ------------------------------------------------------------------ dates */

function fa_gmt($local)
{
    return get_gmt_from_date($local);
}

function fa_iso($gmt_mysql)
{
    return gmdate('Y-m-d\TH:i:s', strtotime($gmt_mysql . ' UTC')) . '+00:00';
}

function fa_add_hours($local, $hours)
{
    $d = new DateTime($local, new DateTimeZone(FA_TIMEZONE));
    $d->modify(sprintf('%+d minutes', (int) round($hours * 60)));
    return $d->format('Y-m-d H:i:s');
}

/* ------------------------------------------------------------------ images */

/*
 * Draws a routine card: a flat color, diagonal stripes, a dark band and a label
 * in GD's built-in font scaled up (the same pixels on every machine).
 */
function fa_draw_image($path, $w, $h, $rgb, $label, $mime)
{
    $im = imagecreatetruecolor($w, $h);
    list($r, $g, $b) = $rgb;
    $bg = imagecolorallocate($im, $r, $g, $b);
    $stripe = imagecolorallocate($im, min(255, $r + 35), min(255, $g + 35), min(255, $b + 35));
    $band = imagecolorallocate($im, (int) ($r * 0.25), (int) ($g * 0.25), (int) ($b * 0.25));
    $white = imagecolorallocate($im, 255, 255, 255);
    imagefilledrectangle($im, 0, 0, $w - 1, $h - 1, $bg);
    $step = max(40, (int) ($w / 10));
    for ($x = -$h; $x < $w; $x += 2 * $step) {
        imagefilledpolygon($im, array($x, 0, $x + $step, 0, $x + $step + $h, $h, $x + $h, $h), $stripe);
    }
    $band_h = (int) ($h / 4);
    $band_y = (int) (($h - $band_h) / 2);
    imagefilledrectangle($im, 0, $band_y, $w - 1, $band_y + $band_h, $band);
    imagerectangle($im, 4, 4, $w - 5, $h - 5, $white);

    $font = 5;
    $tw = imagefontwidth($font) * strlen($label);
    $th = imagefontheight($font);
    $small = imagecreatetruecolor($tw + 2, $th + 2);
    imagefilledrectangle($small, 0, 0, $tw + 1, $th + 1, imagecolorallocate($small, (int) ($r * 0.25), (int) ($g * 0.25), (int) ($b * 0.25)));
    imagestring($small, $font, 1, 1, $label, imagecolorallocate($small, 255, 255, 255));
    $scale = max(1, (int) floor(min(($w * 0.9) / ($tw + 2), ($band_h * 0.8) / ($th + 2))));
    $dw = ($tw + 2) * $scale;
    $dh = ($th + 2) * $scale;
    imagecopyresized($im, $small, (int) (($w - $dw) / 2), $band_y + (int) (($band_h - $dh) / 2), 0, 0, $dw, $dh, $tw + 2, $th + 2);
    imagedestroy($small);

    $ok = $mime === 'image/png' ? imagepng($im, $path, 9) : imagejpeg($im, $path, 82);
    imagedestroy($im);
    if (!$ok) {
        fa_fail("could not write $path");
    }
}

/* key => [file name, width, height, rgb, label, alt, caption] */
$fa_image_specs = array(
    'feat-back' => array('back-day-home-gym.jpg', 1200, 630, array(52, 73, 94), 'BACK DAY', 'Loaded barbell resting on the floor of a home gym', 'Morning session in the garage gym'),
    'back-row' => array('barbell-row.jpg', 800, 533, array(41, 128, 185), 'BACK ROUTINE 1: BARBELL ROW', 'Lifter pulling a barbell to the lower ribs in a bent-over row', 'Bent-over row with a flat back and elbows tucked'),
    'back-pullup' => array('pull-up-top.png', 640, 640, array(39, 174, 96), 'BACK ROUTINE 2: PULL-UP', 'Athlete with the chin over the bar at the top of a pull-up', 'Pull-up, pause with the chin over the bar'),
    'core-plank' => array('front-plank.png', 600, 400, array(142, 68, 173), 'CORE: FRONT PLANK', 'Athlete holding a front plank on the forearms', 'Front plank with the ribs pulled down'),
    'leg-squat' => array('high-bar-squat.jpg', 1600, 1000, array(192, 57, 43), 'LEG ROUTINE 1: BACK SQUAT', 'Lifter at the bottom of a high bar back squat', 'High bar back squat at parallel depth'),
    'leg-lunge' => array('walking-lunge.png', 700, 500, array(211, 84, 0), 'LEG ROUTINE 2: WALKING LUNGE', 'Walking lunge with the back knee just above the floor', 'Walking lunges, twenty steps per set'),
    'leg-rdl' => array('romanian-deadlift.jpg', 800, 600, array(243, 156, 18), 'LEG ROUTINE 2: RDL', 'Romanian deadlift with the bar at knee height', 'Romanian deadlift, hips back and shins vertical'),
    'feat-plank' => array('plank-challenge.jpg', 900, 500, array(22, 160, 133), '30 DAY PLANK CHALLENGE', 'Calendar grid with thirty ticked boxes', 'Tick off one box per day'),
    'kb-swing' => array('kettlebell-swing.jpg', 600, 600, array(127, 140, 141), 'KB SWING', 'Kettlebell swing at chest height', 'Two hand swing, snap the hips'),
    'kb-goblet' => array('goblet-squat.jpg', 600, 600, array(44, 62, 80), 'KB GOBLET SQUAT', 'Goblet squat holding the kettlebell by the horns', 'Goblet squat, elbows inside the knees'),
    'kb-getup' => array('turkish-get-up.png', 600, 600, array(149, 165, 166), 'KB TURKISH GET-UP', 'Turkish get-up in the half kneeling position', 'Get-up, eyes on the bell the whole way'),
    'mob-hip' => array('ninety-ninety-hip.jpg', 500, 500, array(26, 188, 156), 'MOBILITY: 90/90 HIP', 'Seated ninety ninety hip stretch', 'Ninety ninety hip switch'),
    'mob-tspine' => array('thoracic-rotation.jpg', 500, 500, array(52, 152, 219), 'MOBILITY: T-SPINE', 'Side lying thoracic rotation on a mat', 'Open book thoracic rotation'),
    'mob-ankle' => array('ankle-rocks.png', 500, 500, array(155, 89, 182), 'MOBILITY: ANKLE', 'Knee to wall ankle mobility drill', 'Knee to wall ankle rocks'),
    'feat-core' => array('anti-rotation.jpg', 1000, 560, array(230, 126, 34), 'CORE ROUTINE 1', 'Cable machine set up for a Pallof press', 'Pallof press station'),
    'feat-deadlift' => array('deadlift-setup.png', 720, 480, array(231, 76, 60), 'DEADLIFT CHECKLIST', 'Barbell over the mid foot before a deadlift', 'Bar over mid foot, always'),
    'back-deadlift' => array('conventional-deadlift.jpg', 800, 600, array(120, 40, 31), 'DEADLIFT ROUTINE 1', 'Conventional deadlift lockout', 'Lockout with glutes squeezed and ribs down'),
    'run-track' => array('track-intervals.jpg', 800, 450, array(41, 98, 255), 'RUN ROUTINE 1: 400M REPEATS', 'Running track lane markings at the start line', 'Eight times four hundred metres on the track'),
    'tokyo-gym' => array('tokyo-hotel-gym.png', 640, 480, array(200, 30, 90), 'TRAVEL ROUTINE 1: TOKYO', 'Small hotel gym with dumbbells and a rowing machine', 'Hotel gym in Shinjuku'),
    'sq-lowbar' => array('low-bar-squat.jpg', 1000, 700, array(90, 60, 140), 'SQUAT DAY 1: LOW BAR', 'Low bar squat with the bar below the rear delts', 'Low bar squat, hips back and chest over the bar'),
    'sq-pause' => array('pause-squat.png', 600, 450, array(60, 120, 90), 'SQUAT DAY 2: PAUSE SQUAT', 'Pause squat held at the bottom', ''),
    'press-ohp' => array('overhead-press.jpg', 900, 600, array(180, 90, 40), 'PRESS DAY 1: OVERHEAD PRESS', 'Standing overhead press at lockout', 'Overhead press, squeeze the glutes at lockout'),
    'press-push' => array('push-up.png', 600, 400, array(40, 90, 160), 'PRESS DAY 2: PUSH-UP', 'Push-up with the body in one line', 'Push-ups, chest to the floor'),
    'press-dip' => array('ring-dip.png', 600, 400, array(100, 40, 60), 'PRESS DAY 2: RING DIP', 'Ring dip at the bottom position', ''),
    'grip-hang' => array('dead-hang.jpg', 700, 700, array(70, 70, 70), 'GRIP ROUTINE: DEAD HANG', 'Athlete hanging from a pull-up bar with straight arms', 'Dead hang from the bar'),
    // Routine cards: text-bearing images rendered once with Pillow (cards/render.py), copied as they are.
    'card-back1' => array('back-routine-1-card.png', 900, 640, null, null, 'Back Routine 1 card', 'Back Routine 1 as a card'),
    'card-legs2' => array('leg-routine-2-card.jpg', 1000, 620, null, null, 'Leg Routine 2 table', ''),
    'card-core' => array('core-finisher-card.png', 860, 640, null, null, 'Core finisher, handwritten', 'Core finisher'),
);
$fa_attachments = array(); // key => attachment id
$fa_tmpdir = sys_get_temp_dir() . '/fa-populate-' . getmypid();
@mkdir($fa_tmpdir, 0700, true);

function fa_attach($key, $post_id, $post_local_date, $author_id)
{
    global $fa_image_specs, $fa_attachments, $fa_tmpdir;
    if (isset($fa_attachments[$key])) {
        return $fa_attachments[$key];
    }
    list($file, $w, $h, $rgb, $label, $alt, $caption) = $fa_image_specs[$key];
    $mime = substr($file, -4) === '.png' ? 'image/png' : 'image/jpeg';
    $tmp = $fa_tmpdir . '/' . $file;
    if ($label === null) {
        fa_check(copy(__DIR__ . '/cards/' . $file, $tmp) ? 1 : new WP_Error('copy', "cannot copy card $file"), "card $key");
    } else {
        fa_draw_image($tmp, $w, $h, $rgb, $label, $mime);
    }
    $title = ucwords(str_replace('-', ' ', preg_replace('/\.[a-z]+$/', '', $file)));
    $id = media_handle_sideload(
        array('name' => $file, 'tmp_name' => $tmp),
        $post_id,
        $title,
        array(
            'post_excerpt' => $caption,
            'post_content' => '',
            'post_author' => $author_id,
            'post_date' => $post_local_date,
            'post_date_gmt' => fa_gmt($post_local_date),
        )
    );
    fa_check($id, "image $key");
    update_post_meta($id, '_wp_attachment_image_alt', $alt);
    $fa_attachments[$key] = $id;
    return $id;
}

/* ------------------------------------------------------------------ markup */

function fa_img_tag($id, $size, $with_dims = true)
{
    list($url, $w, $h) = wp_get_attachment_image_src($id, $size);
    $alt = get_post_meta($id, '_wp_attachment_image_alt', true);
    $dims = $with_dims ? " width=\"$w\" height=\"$h\"" : '';
    return array(
        "<img class=\"size-$size wp-image-$id\" src=\"" . esc_url($url) . '" alt="' . esc_attr($alt) . "\"$dims />",
        $w,
    );
}

/*
 * Body parts: ['p', html] ['h', level, text] ['ul', [items]] ['img', key, size, caption?]
 * (caption: true = the attachment's, false = none, a string = this placement's own)
 * ['gallery', [keys], caption?] ['quote', text] ['nextpage']. Rendered as classic or block markup.
 * Returns [content, images] where images lists [role, attachment id, caption shown, heading].
 */
function fa_render_body($parts, $editor, $post_id, $local_date, $author_id)
{
    $out = array();
    $images = array();
    $heading = null;
    foreach ($parts as $part) {
        switch ($part[0]) {
            case 'p':
                $out[] = $editor === 'block'
                    ? "<!-- wp:paragraph -->\n<p>{$part[1]}</p>\n<!-- /wp:paragraph -->"
                    : $part[1];
                break;
            case 'h':
                list(, $level, $text) = $part;
                $heading = $text;
                if ($editor === 'block') {
                    $attrs = $level === 2 ? '' : ' {"level":' . $level . '}';
                    $out[] = "<!-- wp:heading$attrs -->\n<h$level>" . esc_html($text) . "</h$level>\n<!-- /wp:heading -->";
                } else {
                    $out[] = "<h$level>" . esc_html($text) . "</h$level>";
                }
                break;
            case 'ul':
                $items = implode('', array_map(function ($i) { return "<li>$i</li>"; }, $part[1]));
                $out[] = $editor === 'block'
                    ? "<!-- wp:list -->\n<ul>$items</ul>\n<!-- /wp:list -->"
                    : "<ul>\n$items\n</ul>";
                break;
            case 'quote':
                $out[] = $editor === 'block'
                    ? "<!-- wp:quote -->\n<blockquote class=\"wp-block-quote\"><!-- wp:paragraph -->\n<p>{$part[1]}</p>\n<!-- /wp:paragraph --></blockquote>\n<!-- /wp:quote -->"
                    : "<blockquote>{$part[1]}</blockquote>";
                break;
            case 'img':
                $key = $part[1];
                $size = $part[2];
                $show_caption = $part[3] ?? true;
                $id = fa_attach($key, $post_id, $local_date, $author_id);
                // true: the attachment's caption; false: none; a string: this caption for this placement.
                $caption = is_string($show_caption) ? $show_caption : ($show_caption ? wp_get_attachment_caption($id) : null);
                if ($editor === 'block') {
                    list($url) = wp_get_attachment_image_src($id, $size);
                    $alt = esc_attr(get_post_meta($id, '_wp_attachment_image_alt', true));
                    $fig = $caption ? '<figcaption class="wp-element-caption">' . esc_html($caption) . '</figcaption>' : '';
                    $out[] = "<!-- wp:image {\"id\":$id,\"sizeSlug\":\"$size\",\"linkDestination\":\"none\"} -->\n"
                        . "<figure class=\"wp-block-image size-$size\"><img src=\"" . esc_url($url) . "\" alt=\"$alt\" class=\"wp-image-$id\"/>$fig</figure>\n"
                        . '<!-- /wp:image -->';
                } else {
                    list($tag, $w) = fa_img_tag($id, $size);
                    $out[] = $caption
                        ? "[caption id=\"attachment_$id\" align=\"aligncenter\" width=\"$w\"]{$tag} " . esc_html($caption) . '[/caption]'
                        : str_replace('class="', 'class="aligncenter ', $tag);
                }
                $images[] = array('body', $id, $caption, $heading);
                break;
            case 'gallery':
                $ids = array();
                foreach ($part[1] as $key) {
                    $ids[] = fa_attach($key, $post_id, $local_date, $author_id);
                }
                if ($editor === 'block') {
                    $inner = array();
                    foreach ($ids as $id) {
                        list($url) = wp_get_attachment_image_src($id, 'large');
                        $alt = esc_attr(get_post_meta($id, '_wp_attachment_image_alt', true));
                        $cap = esc_html(wp_get_attachment_caption($id));
                        $capfig = $cap !== '' ? "<figcaption class=\"wp-element-caption\">$cap</figcaption>" : '';
                        $inner[] = "<!-- wp:image {\"id\":$id,\"sizeSlug\":\"large\",\"linkDestination\":\"none\"} -->\n"
                            . "<figure class=\"wp-block-image size-large\"><img src=\"" . esc_url($url) . "\" alt=\"$alt\" class=\"wp-image-$id\"/>$capfig</figure>\n"
                            . '<!-- /wp:image -->';
                    }
                    $gcap = isset($part[2]) ? '<figcaption class="blocks-gallery-caption wp-element-caption">' . esc_html($part[2]) . '</figcaption>' : '';
                    $out[] = "<!-- wp:gallery {\"linkTo\":\"none\"} -->\n"
                        . '<figure class="wp-block-gallery has-nested-images columns-default is-cropped">'
                        . implode("\n\n", $inner) . "$gcap</figure>\n<!-- /wp:gallery -->";
                } else {
                    $out[] = '[gallery link="file" columns="3" size="medium" ids="' . implode(',', $ids) . '"]';
                }
                foreach ($ids as $id) {
                    $images[] = array('gallery', $id, wp_get_attachment_caption($id), $heading);
                }
                break;
            case 'nextpage':
                // <!--nextpage-->: the post is split into pages ("Pages: 1 2 3").
                $out[] = $editor === 'block'
                    ? "<!-- wp:nextpage -->\n<!--nextpage-->\n<!-- /wp:nextpage -->"
                    : '<!--nextpage-->';
                break;
            default:
                fa_fail('unknown body part ' . $part[0]);
        }
    }
    return array(implode("\n\n", $out), $images);
}

/* ------------------------------------------------------------------ terms */

$fa_term_ids = array('category' => array(), 'post_tag' => array());
function fa_term($taxonomy, $name)
{
    global $fa_term_ids;
    if (!isset($fa_term_ids[$taxonomy][$name])) {
        $t = term_exists($name, $taxonomy);
        if (!$t) {
            $t = fa_check(wp_insert_term($name, $taxonomy), "term $name");
        }
        $fa_term_ids[$taxonomy][$name] = (int) $t['term_id'];
    }
    return $fa_term_ids[$taxonomy][$name];
}

/* ------------------------------------------------------------------ posts */

/*
 * Each post: key, title, author, local date, editor, categories, tags, featured image key,
 * body parts, optional: password, status, modified (local), comment_status, slug.
 */
$fa_posts = array(
    array(
        'key' => 'back', 'title' => 'Back Routine 1 and 2: Rows, Pull-ups and Hinges',
        'author' => 'dana', 'date' => '2024-01-15 07:30:00', 'modified' => '2024-01-20 18:05:00',
        'editor' => 'classic', 'categories' => array('Strength', 'Programs'), 'tags' => array('back', 'deadlift', 'pull-up'),
        'featured' => 'feat-back',
        'body' => array(
            array('p', 'A strong back carries every other lift. These two routines alternate through the week and need only a barbell, a pull-up bar and a bench.'),
            array('h', 2, 'Back Routine 1'),
            array('p', 'Start with rows while you are fresh. Keep the torso close to parallel and pull the bar to the lower ribs.'),
            array('img', 'back-row', 'full'),
            array('ul', array('Barbell row: 4 sets of 8', 'Chest supported dumbbell row: 3 sets of 12', 'Face pull: 3 sets of 15')),
            array('img', 'card-back1', 'full'),
            array('h', 2, 'Back Routine 2'),
            array('p', 'Vertical pulling day. If you cannot do five strict pull-ups yet, use a band and slow negatives.'),
            array('img', 'back-pullup', 'medium'),
            array('p', 'Finish with a plank so the trunk learns to stay stiff while the arms work.'),
            array('img', 'core-plank', 'full', false),
            array('h', 3, 'Cooldown'),
            array('p', 'Hang from the bar for thirty seconds and breathe slowly through the nose.'),
        ),
    ),
    array(
        'key' => 'legs', 'title' => 'Leg Day Blueprint: Squats, Lunges and Romanian Deadlifts',
        'author' => 'zoe', 'date' => '2024-02-11 10:30:00',
        'editor' => 'block', 'categories' => array('Strength'), 'tags' => array('legs', 'squat', 'beginner'),
        'body' => array(
            array('p', 'Two leg sessions a week are enough for most people. The first is heavy and short, the second is lighter and longer.'),
            array('h', 2, 'Leg Routine 1'),
            array('img', 'leg-squat', 'large'),
            array('p', 'Work up to a top set of five on the back squat, then take ten percent off for two back-off sets.'),
            array('ul', array('Back squat: top set of 5, then 2 sets of 5 at 90 percent', 'Leg press: 3 sets of 10', 'Standing calf raise: 4 sets of 12')),
            array('h', 2, 'Leg Routine 2'),
            array('img', 'leg-lunge', 'full'),
            array('p', 'Walking lunges build balance and single leg strength that squats alone will miss.'),
            array('img', 'leg-rdl', 'medium', false),
            array('p', 'Romanian deadlifts close the session and train the hamstrings through a long range.'),
            array('img', 'card-legs2', 'full', false),
        ),
    ),
    array(
        'key' => 'plank', 'title' => 'The 30-Day Plank Challenge: Check In Here',
        'author' => 'priya', 'date' => '2024-03-01 18:00:00',
        'editor' => 'classic', 'categories' => array('Programs'), 'tags' => array('core', 'challenge'),
        'featured' => 'feat-plank',
        'body' => array(
            array('p', 'Hold a plank every day for thirty days and add five seconds each day. Post your time in the comments so everyone can cheer you on.'),
            array('h', 2, 'Rules'),
            array('ul', array('Forearms under the shoulders', 'Squeeze the glutes', 'Stop when the hips sag')),
            array('p', 'Miss a day and you simply repeat the previous time. There is no penalty for being human.'),
        ),
    ),
    array(
        'key' => 'kettlebell', 'title' => 'Kettlebell Basics: Swing, Goblet Squat and Get-up',
        'author' => 'jose', 'date' => '2024-03-20 12:15:00',
        'editor' => 'classic', 'categories' => array('Strength'), 'tags' => array('kettlebell', 'beginner'),
        'body' => array(
            array('p', 'One kettlebell is a complete gym for a beginner. Learn these three movements before anything else.'),
            array('h', 2, 'Kettlebell Routine 1'),
            array('gallery', array('kb-swing', 'kb-goblet', 'kb-getup')),
            array('p', 'Do ten swings, five goblet squats and one get-up per side, then rest a minute and repeat five times.'),
        ),
    ),
    array(
        'key' => 'mobility', 'title' => 'Mobility Flow for Stiff Hips and Shoulders',
        'author' => 'zoe', 'date' => '2024-03-31 09:00:00',
        'editor' => 'block', 'categories' => array('Mobility'), 'tags' => array('stretching', 'recovery'),
        'body' => array(
            array('p', 'Ten minutes before training is enough. Move slowly and stay in positions that feel tight but never painful.'),
            array('h', 2, 'Mobility Routine 1'),
            array('gallery', array('mob-hip', 'mob-tspine', 'mob-ankle'), 'The whole flow takes about ten minutes'),
            array('p', 'Repeat each drill for eight slow breaths on each side.'),
        ),
    ),
    array(
        'key' => 'core', 'title' => 'Core Routine 1: Anti-Rotation and Planks',
        'author' => 'dana', 'date' => '2024-04-08 06:45:00',
        'editor' => 'block', 'categories' => array('Strength'), 'tags' => array('core'),
        'featured' => 'feat-core',
        'body' => array(
            array('p', 'The trunk resists movement far more often than it creates it. Train it that way.'),
            array('h', 2, 'Core Routine 1'),
            array('img', 'core-plank', 'full'),
            array('p', 'Alternate Pallof presses with planks for three rounds and finish with dead bugs.'),
            array('img', 'card-core', 'full'),
            array('h', 3, 'Progressions'),
            array('p', 'Add time before you add load. A sixty second plank with perfect ribs beats a sloppy weighted one.'),
        ),
    ),
    array(
        'key' => 'mealprep', 'title' => "José's Sunday Meal Prep for Lifters",
        'author' => 'jose', 'date' => '2024-04-21 17:00:00', 'modified' => '2024-05-03 08:20:00',
        'editor' => 'classic', 'categories' => array('Nutrition'), 'tags' => array('meal-prep'),
        'body' => array(
            array('p', 'Two hours on Sunday saves every weekday evening. Cook the proteins first and the grains while they rest.'),
            array('h', 2, 'Shopping list'),
            array('ul', array('Chicken thighs, 2 kg', 'Rice and lentils', 'Frozen vegetables', 'Greek yogurt')),
            array('p', 'Portion everything into glass boxes and label them with the day. Café con leche is optional but recommended.'),
        ),
    ),
    array(
        'key' => 'protected', 'title' => 'Members Only: 12-Week Powerbuilding Block',
        'author' => 'dana', 'date' => '2024-05-02 08:00:00', 'password' => 'gains',
        'editor' => 'classic', 'categories' => array('Programs'), 'tags' => array('powerbuilding'),
        'body' => array(
            array('p', 'HIDDEN-MARKER-protected-body-4e9a This program is for members who have the password.'),
            array('h', 2, 'Week 1'),
            array('p', 'Squat, bench and deadlift at seventy percent for sets of six.'),
        ),
    ),
    array(
        'key' => 'intervals', 'title' => 'Running Intervals That Do Not Wreck Your Legs',
        'author' => 'priya', 'date' => '2024-05-18 06:00:00',
        'editor' => 'classic', 'categories' => array('Running'), 'tags' => array('conditioning', 'running'),
        'body' => array(
            array('p', 'Lifters can run without losing strength if the intervals are short and the rest is honest.'),
            array('h', 2, 'Run Routine 1'),
            array('img', 'run-track', 'full'),
            array('p', 'Run four hundred metres at a hard but steady pace and walk ninety seconds between repeats.'),
        ),
    ),
    array(
        'key' => 'deadlift', 'title' => 'Deadlift Form Checklist',
        'author' => 'dana', 'date' => '2024-06-01 00:30:00',
        'editor' => 'block', 'categories' => array('Strength'), 'tags' => array('deadlift', 'technique'),
        'featured' => 'feat-deadlift',
        'body' => array(
            array('p', 'Print this list and read it before every heavy pull. Five cues are enough.'),
            array('ul', array('Bar over the mid foot', 'Shins touch the bar', 'Chest up, lats tight', 'Push the floor away', 'Lock out with the glutes')),
            array('h', 2, 'Deadlift Routine 1'),
            array('img', 'back-deadlift', 'full'),
            array('quote', 'The bar does not care how you feel today. Set up the same way every time.'),
        ),
    ),
    array(
        'key' => 'restdays', 'title' => 'Rest Days Are Training Days',
        'author' => 'zoe', 'date' => '2024-07-04 20:00:00',
        'editor' => 'classic', 'categories' => array('Mobility'), 'tags' => array('recovery'),
        'body' => array(
            array('p', 'Adaptation happens between sessions, not during them. Sleep is the most underrated supplement.'),
            array('p', 'On rest days walk for thirty minutes and do the mobility flow once.'),
        ),
    ),
    array(
        'key' => 'pushpull', 'title' => 'Push vs. Pull: "Which Day First?" & Other Questions',
        'author' => 'jose', 'date' => '2024-08-15 12:00:00',
        'editor' => 'classic', 'categories' => array('Programs'), 'tags' => array('programming'),
        'body' => array(
            array('p', 'Readers asked the same five questions all summer. Here are the short answers.'),
            array('h', 2, 'Which day first?'),
            array('p', 'Whichever one you are more likely to skip. Put it at the start of the week.'),
            array('h', 2, 'How many sets?'),
            array('p', 'Ten to twenty hard sets per muscle per week covers nearly everyone.'),
        ),
    ),
    array(
        'key' => 'tokyo', 'title' => '東京ジム日記 — Training in Tokyo',
        'author' => 'zoe', 'date' => '2024-09-09 09:09:00',
        'editor' => 'block', 'categories' => array('Programs'), 'tags' => array('travel'),
        'body' => array(
            array('p', 'Hotel gyms are small but a pair of dumbbells and a rower cover a full week.'),
            array('h', 2, 'Travel Routine 1'),
            array('img', 'tokyo-gym', 'full'),
            array('p', '今日はダンベルだけで全身トレーニングをしました。Goblet squats, rows and presses for four rounds.'),
        ),
    ),
    array(
        'key' => 'winter', 'title' => 'Winter Conditioning: Sled, Rower and Bike',
        'author' => 'priya', 'date' => '2024-10-27 10:00:00', 'comment_status' => 'closed',
        'editor' => 'classic', 'categories' => array('Running'), 'tags' => array('conditioning'),
        'body' => array(
            array('p', 'When the paths freeze, conditioning moves indoors. Rotate three machines to keep it interesting.'),
            array('ul', array('Sled push: 6 lengths', 'Rower: 5 times 500 metres', 'Air bike: 10 rounds of 20 seconds')),
            array('p', 'Comments are closed on this post, but the discussion below stays up.'),
        ),
    ),
);

// Exactness cases (issue 15): featured image also in the body (both editors), the same image
// twice with different captions, a gallery caption with an uncaptioned image, a post split into
// pages, a post with an empty body (and a comment), a post without a title.
$fa_posts = array_merge($fa_posts, array(
    array(
        'key' => 'squat', 'title' => 'Squat Days: Low Bar and Pause Squats',
        'author' => 'dana', 'date' => '2024-11-05 08:00:00',
        'editor' => 'classic', 'categories' => array('Strength'), 'tags' => array('squat'),
        'featured' => 'sq-lowbar',
        'body' => array(
            array('p', 'Two squat days a week, one heavy and one paused. The first image is also the featured one.'),
            array('h', 2, 'Squat Day 1: The Low Bar Squat'),
            array('img', 'sq-lowbar', 'large'),
            array('p', 'Work up to three heavy triples and keep the bar over the mid foot.'),
            array('h', 2, 'Squat Day 2'),
            array('img', 'sq-pause', 'medium', false),
            array('p', 'Pause two seconds at the bottom of every rep without relaxing the trunk.'),
        ),
    ),
    array(
        'key' => 'press', 'title' => 'Press Days: Overhead, Push-ups and Dips',
        'author' => 'zoe', 'date' => '2024-11-12 07:15:00',
        'editor' => 'block', 'categories' => array('Strength'), 'tags' => array('press'),
        'featured' => 'press-ohp',
        'body' => array(
            array('p', 'Pressing twice a week keeps the shoulders strong and healthy.'),
            array('h', 2, 'Press Day 1'),
            array('img', 'press-ohp', 'large'),
            array('p', 'Five sets of five on the overhead press with a full lockout.'),
            array('h', 2, 'Press Day 2'),
            array('gallery', array('press-push', 'press-dip'), 'Bodyweight pressing circuit'),
            array('p', 'Alternate push-ups and ring dips for four rounds.'),
        ),
    ),
    array(
        'key' => 'grip', 'title' => 'Grip Work: Hang Twice a Week',
        'author' => 'jose', 'date' => '2024-11-19 18:30:00',
        'editor' => 'classic', 'categories' => array('Strength'), 'tags' => array('grip'),
        'body' => array(
            array('p', 'A strong grip starts with hanging from the bar.'),
            array('h', 2, 'Grip Routine 1'),
            array('img', 'grip-hang', 'medium', false),
            array('p', 'Hang for thirty seconds with both hands, five times.'),
            array('h', 2, 'Grip Routine 2'),
            array('img', 'grip-hang', 'full', 'Dead hang again, now one arm at a time'),
            array('p', 'Switch hands every ten seconds until the grip gives out.'),
        ),
    ),
    array(
        'key' => 'paged', 'title' => 'Twelve-Week Running Base, Page by Page',
        'author' => 'priya', 'date' => '2024-11-26 06:30:00',
        'editor' => 'classic', 'categories' => array('Running'), 'tags' => array('running'),
        'body' => array(
            array('h', 2, 'Weeks 1 to 4'),
            array('p', 'PAGE-ONE-MARKER Easy runs only for the first month of the base.'),
            array('nextpage'),
            array('h', 2, 'Weeks 5 to 8'),
            array('p', 'PAGE-TWO-MARKER Add one tempo run a week from week five.'),
            array('nextpage'),
            array('h', 2, 'Weeks 9 to 12'),
            array('p', 'PAGE-THREE-MARKER The last block adds strides after two easy runs.'),
        ),
    ),
    array(
        'key' => 'empty', 'title' => 'Deload Week',
        'author' => 'priya', 'date' => '2024-12-03 09:00:00',
        'editor' => 'block', 'categories' => array('Running'), 'tags' => array('recovery'),
        'body' => array(),
    ),
    array(
        'key' => 'untitled', 'title' => '',
        'author' => 'jose', 'date' => '2024-12-10 19:00:00',
        'editor' => 'classic', 'categories' => array('Nutrition'), 'tags' => array('meal-prep'),
        'body' => array(
            array('p', 'UNTITLED-POST-MARKER A quick note without a title: soup counts as a meal.'),
        ),
    ),
));

$fa_hidden_posts = array(
    array('status' => 'private', 'title' => 'HIDDEN-MARKER-private-post-5d21 coach notes', 'author' => 'dana', 'date' => '2024-06-10 09:00:00',
        'content' => 'HIDDEN-MARKER-private-post-5d21 Private notes about client programs.'),
    array('status' => 'draft', 'title' => 'HIDDEN-MARKER-draft-post-9b40 unfinished', 'author' => 'zoe', 'date' => '2024-06-12 09:00:00',
        'content' => 'HIDDEN-MARKER-draft-post-9b40 Half written draft about handstands.'),
    array('status' => 'future', 'title' => 'HIDDEN-MARKER-scheduled-post-c7e8 coming soon', 'author' => 'priya', 'date' => '2030-01-07 09:00:00',
        'content' => 'HIDDEN-MARKER-scheduled-post-c7e8 Marathon plan that is not published yet.'),
);

$fa_post_ids = array();   // key => id
$fa_post_images = array(); // key => list of [role, id, caption, heading]
$fa_post_defs = array();  // key => definition

foreach ($fa_posts as $def) {
    $author_id = $fa_users[$def['author']];
    $gmt = fa_gmt($def['date']);
    $postarr = array(
        'post_type' => 'post',
        'post_status' => 'publish',
        'post_title' => $def['title'],
        'post_content' => $def['title'] === '' ? 'placeholder' : '',
        'post_author' => $author_id,
        'post_date' => $def['date'],
        'post_date_gmt' => $gmt,
        'comment_status' => 'open',
        'ping_status' => 'open',
        'post_password' => $def['password'] ?? '',
    );
    $id = (int) fa_check(wp_insert_post($postarr, true), "post {$def['key']}");
    list($content, $images) = fa_render_body($def['body'], $def['editor'], $id, $def['date'], $author_id);
    if (!empty($def['featured'])) {
        $fid = fa_attach($def['featured'], $id, $def['date'], $author_id);
        set_post_thumbnail($id, $fid);
        // A featured image that is also in the body is that body placement, marked featured.
        $in_body = false;
        foreach ($images as $n => $img) {
            if ($img[1] === $fid) {
                $images[$n][4] = true;
                $in_body = true;
                break;
            }
        }
        if (!$in_body) {
            array_unshift($images, array('featured', $fid, wp_get_attachment_caption($fid), null, true));
        }
    }
    fa_check(wp_update_post(array('ID' => $id, 'post_content' => $content), true), "content {$def['key']}");
    wp_set_post_terms($id, array_map(function ($n) { return fa_term('category', $n); }, $def['categories']), 'category');
    wp_set_post_terms($id, $def['tags'], 'post_tag');
    $fa_post_ids[$def['key']] = $id;
    $fa_post_images[$def['key']] = $images;
    $fa_post_defs[$def['key']] = $def;
}

$fa_hidden_post_ids = array();
foreach ($fa_hidden_posts as $def) {
    $postarr = array(
        'post_type' => 'post',
        'post_status' => $def['status'],
        'post_title' => $def['title'],
        'post_content' => $def['content'],
        'post_author' => $fa_users[$def['author']],
        'post_date' => $def['date'],
        'post_date_gmt' => $def['status'] === 'draft' ? '0000-00-00 00:00:00' : fa_gmt($def['date']),
    );
    $fa_hidden_post_ids[] = (int) fa_check(wp_insert_post($postarr, true), 'hidden post');
}

$fa_page_id = (int) fa_check(wp_insert_post(array(
    'post_type' => 'page',
    'post_status' => 'publish',
    'post_title' => 'About the Coaches',
    'post_name' => 'about-the-coaches',
    'post_content' => "Ironbark is written by four coaches who train in the same garage gym.\n\nDana writes the strength programs, Zoë the mobility work, José the kettlebell and nutrition posts and Priya everything about running.",
    'post_author' => $fa_admin_id,
    'post_date' => '2024-01-02 10:00:00',
    'post_date_gmt' => fa_gmt('2024-01-02 10:00:00'),
    'comment_status' => 'closed',
), true), 'page');

/* ------------------------------------------------------------------ comments */

$fa_comment_seq = 0;

/*
 * Adds a comment $hours after the post's local date. $who is a user key (a reply by
 * that registered user) or [name, url]. Returns the comment id.
 */
function fa_comment($post_key, $who, $content, $parent = 0, $hours = 1, $extra = array())
{
    global $fa_post_ids, $fa_post_defs, $fa_users, $fa_comment_seq;
    $post_id = $fa_post_ids[$post_key];
    $local = fa_add_hours($fa_post_defs[$post_key]['date'], $hours);
    $fa_comment_seq++;
    if (is_string($who)) {
        $user = get_userdata($fa_users[$who]);
        $data = array(
            'comment_author' => $user->display_name,
            'comment_author_email' => $user->user_email,
            'comment_author_url' => '',
            'user_id' => $user->ID,
        );
    } else {
        $slug = sanitize_title($who[0]) ?: 'reader';
        $data = array(
            'comment_author' => $who[0],
            'comment_author_email' => 'reader' . $fa_comment_seq . '@readers.example',
            'comment_author_url' => $who[1] ?? '',
            'user_id' => 0,
        );
    }
    $data += array(
        'comment_post_ID' => $post_id,
        'comment_content' => $content,
        'comment_parent' => $parent,
        'comment_type' => 'comment',
        'comment_date' => $local,
        'comment_date_gmt' => fa_gmt($local),
        'comment_approved' => 1,
        'comment_author_IP' => '127.0.0.1',
        'comment_agent' => 'fitarchive-harness',
    );
    $data = array_merge($data, $extra);
    return (int) fa_check(wp_insert_comment(wp_slash($data)), "comment on $post_key");
}

$fa_hidden_comment_ids = array();

// back: a thread deeper than thread_comments_depth, replies by the author, many scripts.
$c = fa_comment('back', array('Marta K.', 'https://marta-lifts.example/'), 'Did Back Routine 1 three times this week 💪 My rows finally feel solid.', 0, 5);
$c2 = fa_comment('back', 'dana', 'Great work Marta! Keep the one second pause at the top of every rep.', $c, 7);
$c3 = fa_comment('back', array('Marta K.', 'https://marta-lifts.example/'), 'Will do. Should I add weight next week or add reps first?', $c2, 9);
$c4 = fa_comment('back', 'dana', 'Reps first. Add 2.5 kg only when all four sets reach ten clean reps.', $c3, 11);
$c5 = fa_comment('back', array('Marta K.', 'https://marta-lifts.example/'), 'Four sets of ten done today. Adding the plates on Monday!', $c4, 60);
fa_comment('back', array('Tom Becker', ''), 'Following this thread, same plan here. Thanks both.', $c5, 62);
fa_comment('back', array('田中 健', ''), '今日はデッドリフトを頑張りました。フォームの説明がとても分かりやすいです！', 0, 20);
$c = fa_comment('back', array('ليلى حداد', ''), 'تمرين رائع، شكراً على الشرح الواضح!', 0, 26);
fa_comment('back', array('נועה לוי', ''), 'אימון מצוין, תודה רבה! 🔥', $c, 30);
fa_comment('back', array('Sam Ortiz', 'https://ironlog.example/'),
    'I compared this with my own log at <a href="https://ironlog.example/week-3/">ironlog week 3</a> and the volume matches nicely.', 0, 40);
fa_comment('back', array('Strength Notes', 'https://strength-notes.example/2024/01/grip-work/'),
    '[&#8230;] Dana has a clear guide to rows and hinges that pairs well with this grip work [&#8230;]', 0, 48,
    array('comment_type' => 'pingback', 'comment_author_email' => ''));
$fa_hidden_comment_ids[] = fa_comment('back', array('Pending Pete', ''), 'HIDDEN-MARKER-pending-comment-1a6f waiting for moderation', 0, 70, array('comment_approved' => 0));

// legs: author replies (Zoë), a small thread.
$c = fa_comment('legs', array('Ben Carter', ''), 'Is the leg press needed if I already squat twice a week?', 0, 3);
fa_comment('legs', 'zoe', 'Not needed. It is there for extra volume without more spinal loading.', $c, 5);
fa_comment('legs', array('Aiko Sato', ''), 'スクワットの深さの説明が役に立ちました。ありがとうございます！', 0, 26);
$fa_hidden_comment_ids[] = fa_comment('legs', array('Cheap Pills', 'https://spam.example/'), 'HIDDEN-MARKER-spam-comment-2b7e buy now', 0, 30, array('comment_approved' => 'spam'));

// plank: more than 100 comments across several comment pages, with replies and one deep chain.
$fa_first = array('Anna', 'Ben', 'Chloe', 'Dev', 'Elif', 'Finn', 'Grace', 'Hugo', 'Ines', 'Jonas', 'Kira', 'Lars', 'Maya', 'Noah', 'Olga', 'Pablo', 'Quinn', 'Rosa', 'Sven', 'Tara');
$fa_last = array('A.', 'B.', 'C.', 'D.', 'E.', 'F.');
$fa_deep_parent = 0;
for ($i = 0; $i < 112; $i++) {
    $name = $fa_first[$i % 20] . ' ' . $fa_last[intdiv($i, 20) % 6];
    $day = ($i % 30) + 1;
    $secs = 20 + 5 * $day;
    $text = "Day $day check in: held the plank for $secs seconds.";
    if ($i % 7 === 3) {
        $text .= ' Shaking at the end but made it 😅';
    }
    if ($i % 11 === 5) {
        $text .= ' Started over after a missed day, no regrets.';
    }
    $hours = 2 + $i * 5;
    $c = fa_comment('plank', array($name, ''), $text, 0, $hours);
    if ($i % 8 === 0) {
        fa_comment('plank', 'priya', 'Nice one ' . $fa_first[$i % 20] . ', keep the hips level.', $c, $hours + 1);
    }
    if ($i === 50) {
        $fa_deep_parent = $c;
    }
}
$d = $fa_deep_parent;
foreach (array(
    array(array('Grace C.', ''), 'Anyone else feel it in the shoulders more than the abs?'),
    array('priya', 'Push the floor away and tuck the pelvis, then the abs take over.'),
    array(array('Grace C.', ''), 'That changed everything, thank you.'),
    array(array('Hugo C.', ''), 'Same fix worked for me. Down to zero shoulder ache.'),
    array('priya', 'Love to hear it. Form first, seconds second.'),
) as $n => $reply) {
    $d = fa_comment('plank', $reply[0], $reply[1], $d, 2 + 50 * 5 + 1 + $n);
}
$fa_hidden_comment_ids[] = $t = fa_comment('plank', array('Trash Talker', ''), 'HIDDEN-MARKER-trash-comment-3c8d this will be deleted', 0, 400);
wp_trash_comment($t);

// kettlebell
$c = fa_comment('kettlebell', array('Rui Costa', ''), 'Which weight should a beginner start with for swings?', 0, 2);
fa_comment('kettlebell', 'jose', 'Most men start with 16 kg and most women with 12 kg. Go lighter for the get-up.', $c, 4);

// mobility
fa_comment('mobility', array('Lena Vogel', ''), 'Die Hüftübung ist genial. Danke, Zoë!', 0, 4);

// core
$c = fa_comment('core', array('Omar Farouk', ''), 'Pallof press felt weird at first, now it is my favourite 🙌', 0, 6);
fa_comment('core', 'dana', 'It grows on everyone. Try the half kneeling version next.', $c, 8);

// meal prep: CJK, RTL and a link in the text.
fa_comment('mealprep', array('王小明', ''), '这个备餐方法太实用了，每周日我都会照做。', 0, 3);
$c = fa_comment('mealprep', array('يوسف', ''), 'هل يمكن استبدال الدجاج بالعدس؟', 0, 5);
fa_comment('mealprep', 'jose', 'Claro, lentils work well. Add a little more oil for the calories.', $c, 6);
fa_comment('mealprep', array('Mira Hoffmann', 'https://mira-cooks.example/'), 'My version with tofu is here: https://mira-cooks.example/tofu-prep/ if anyone wants it.', 0, 9);

// intervals: a pingback and a short thread.
fa_comment('intervals', array('Runners Corner', 'https://runners-corner.example/2024/05/intervals-roundup/'),
    '[&#8230;] Priya explains why short intervals suit lifters [&#8230;]', 0, 12,
    array('comment_type' => 'pingback', 'comment_author_email' => ''));
$c = fa_comment('intervals', array('Jan Novak', ''), 'Do you run these before or after lifting?', 0, 14);
$c = fa_comment('intervals', 'priya', 'After lifting, or on a separate day if you can.', $c, 15);
fa_comment('intervals', array('Jan Novak', ''), 'Separate days it is. Thanks!', $c, 20);

// deadlift
$c = fa_comment('deadlift', array('Kofi Mensah', ''), 'Cue number four fixed my slow start off the floor.', 0, 8);
$c = fa_comment('deadlift', 'dana', 'Pushing the floor away works for almost everyone.', $c, 9);
$c = fa_comment('deadlift', array('Kofi Mensah', ''), 'Now my lockout is the weak point. Any tips?', $c, 30);
fa_comment('deadlift', 'dana', 'Hip thrusts and paused pulls just below the knee.', $c, 32);

// push/pull
$c = fa_comment('pushpull', array('Eva Lindqvist', ''), 'Pull first for me, bench always feels better after rows.', 0, 3);
fa_comment('pushpull', 'jose', 'Makes sense, rows warm up the upper back.', $c, 5);
fa_comment('pushpull', array('Diego Ramírez', ''), '¿Y si entreno solo tres días por semana?', 0, 7);

// tokyo
fa_comment('tokyo', array('佐藤 美咲', ''), '新宿のホテルジム、私も使いました！', 0, 5);
fa_comment('tokyo', array('Chris P.', ''), 'Great to see a travel routine that needs so little kit.', 0, 9);

// winter: comments stay visible after comments were closed.
fa_comment('winter', array('Nora Berg', ''), 'The air bike rounds are brutal in the best way.', 0, 4);

// empty: a post with nothing in it still has its comment.
fa_comment('empty', array('Ida Svensson', ''), 'An empty post and still the best advice this month.', 0, 3);

// squat: a reader leaves an e-mail link, a phone link and a mailto: website (never archived).
fa_comment('squat', array('Lena Park', 'mailto:lena.private@readers.example'),
    'Pause squats fixed my depth. <a href="mailto:lena.private@readers.example">Write to me</a> or <a href="tel:+4930555123">call me</a> about it.', 0, 4);

/* ------------------------------------------------------------------ finishing */

// Fixed modification times (wp_update_post above set them to now).
global $wpdb;
foreach ($fa_post_defs as $key => $def) {
    $mod = $def['modified'] ?? $def['date'];
    $wpdb->update($wpdb->posts, array('post_modified' => $mod, 'post_modified_gmt' => fa_gmt($mod)), array('ID' => $fa_post_ids[$key]));
    clean_post_cache($fa_post_ids[$key]);
}
foreach ($fa_post_defs as $key => $def) {
    if (!empty($def['comment_status'])) {
        $wpdb->update($wpdb->posts, array('comment_status' => $def['comment_status']), array('ID' => $fa_post_ids[$key]));
        clean_post_cache($fa_post_ids[$key]);
    }
}
foreach (get_posts(array('post_type' => 'attachment', 'post_status' => 'inherit', 'numberposts' => -1)) as $att) {
    $wpdb->update($wpdb->posts, array('post_modified' => $att->post_date, 'post_modified_gmt' => $att->post_date_gmt), array('ID' => $att->ID));
    clean_post_cache($att->ID);
}
foreach (array_keys($fa_post_ids) as $key) {
    wp_update_comment_count_now($fa_post_ids[$key]);
}
array_map('unlink', glob($fa_tmpdir . '/*'));
@rmdir($fa_tmpdir);

/* ------------------------------------------------------------------ manifest */

function fa_text($html)
{
    $t = html_entity_decode(wp_strip_all_tags($html), ENT_QUOTES | ENT_HTML5, 'UTF-8');
    return trim(preg_replace('/\s+/u', ' ', $t));
}

function fa_image_entry($position, $role, $id, $caption, $heading, $is_featured = false)
{
    $file = get_attached_file($id);
    $meta = wp_get_attachment_metadata($id);
    $renditions = array();
    foreach (($meta['sizes'] ?? array()) as $name => $size) {
        $renditions[$name] = array(
            'url' => dirname(wp_get_attachment_url($id)) . '/' . $size['file'],
            'width' => (int) $size['width'],
            'height' => (int) $size['height'],
        );
    }
    return array(
        'position' => $position,
        'role' => $role,
        'is_featured' => $is_featured,
        'attachment_id' => $id,
        'url' => wp_get_attachment_url($id),
        'alt' => (string) get_post_meta($id, '_wp_attachment_image_alt', true),
        'caption' => $caption === null || $caption === '' ? null : fa_text(wptexturize($caption)),
        'heading' => $heading,
        'sha256' => hash_file('sha256', $file),
        'width' => (int) $meta['width'],
        'height' => (int) $meta['height'],
        'mime' => get_post_mime_type($id),
        'bytes' => filesize($file),
        'renditions' => $renditions,
    );
}

function fa_author_entry($user_id)
{
    $u = get_userdata($user_id);
    return array('id' => (int) $u->ID, 'name' => $u->display_name, 'slug' => $u->user_nicename, 'url' => get_author_posts_url($u->ID));
}

$fa_manifest = array(
    'base_url' => home_url('/'),
    'site' => array('name' => get_option('blogname'), 'description' => get_option('blogdescription')),
    'settings' => array(
        'thread_comments_depth' => FA_THREAD_DEPTH,
        'comments_per_page' => FA_COMMENTS_PER_PAGE,
        'default_comments_page' => 'newest',
        'comment_order' => 'asc',
        'timezone' => FA_TIMEZONE,
        'permalink_structure' => FA_PERMALINKS,
        'posts_per_page' => 10,
    ),
    'authors' => array_values(array_map('fa_author_entry', $fa_users)),
    'posts' => array(),
    'hidden' => array(),
    'pages' => array(),
);

// Titles as REST gives them: no "Protected: " prefix (the HTML theme adds one).
add_filter('protected_title_format', function () { return '%s'; });
add_filter('private_title_format', function () { return '%s'; });
foreach ($fa_post_ids as $key => $id) {
    $post = get_post($id);
    $def = $fa_post_defs[$key];
    $GLOBALS['post'] = $post;
    setup_postdata($post);
    $rendered = fa_text(apply_filters('the_content', $post->post_content));
    $protected = $post->post_password !== '';
    $body_contains = array();
    $page_sentences = array(array()); // per page of a post split with <!--nextpage-->
    if (!$protected) {
        foreach ($def['body'] as $part) {
            if ($part[0] === 'nextpage') {
                $page_sentences[] = array();
            }
            if ($part[0] !== 'p' || count($body_contains) >= 3) {
                continue;
            }
            $sentence = preg_split('/(?<=[.!?])\s/u', $part[1])[0];
            $sentence = fa_text(wptexturize($sentence));
            if (strpos($rendered, $sentence) === false) {
                fa_fail("body_contains sentence not in the rendered body of $key: $sentence");
            }
            $body_contains[] = $sentence;
            $page_sentences[count($page_sentences) - 1][] = $sentence;
        }
    }
    $images = array();
    if (!$protected) {
        foreach ($fa_post_images[$key] as $n => $img) {
            $images[] = fa_image_entry($n, $img[0], $img[1], $img[2], $img[3], $img[4] ?? false);
        }
    }
    $comments = array();
    $depth = array();
    $top_level = 0;
    foreach (get_comments(array('post_id' => $id, 'status' => 'approve', 'type' => 'all', 'orderby' => 'comment_ID', 'order' => 'ASC')) as $cm) {
        $cid = (int) $cm->comment_ID;
        $parent = (int) $cm->comment_parent;
        $depth[$cid] = $parent ? $depth[$parent] + 1 : 1;
        $top_level += $parent ? 0 : 1;
        $comments[] = array(
            'id' => $cid,
            'parent' => $parent,
            'depth' => $depth[$cid],
            'author_name' => $cm->comment_author,
            'author_url' => $cm->comment_author_url,
            'type' => $cm->comment_type === 'pingback' ? 'pingback' : 'comment',
            'date_gmt' => fa_iso($cm->comment_date_gmt),
            'text' => fa_text(apply_filters('comment_text', $cm->comment_content, $cm, array())),
            'is_post_author' => (int) $cm->user_id > 0 && (int) $cm->user_id === (int) $post->post_author,
            'url' => get_comment_link($cm, array('per_page' => FA_COMMENTS_PER_PAGE)),
        );
    }
    $fa_manifest['posts'][] = array(
        'key' => $key,
        'id' => $id,
        'slug' => $post->post_name,
        // As REST gives it to a client with no theme filters: empty stays empty (the classic
        // theme's the_title filter prints "Untitled").
        'title' => $post->post_title === '' ? '' : fa_text(get_the_title($post)),
        'url' => get_permalink($post),
        'author' => fa_author_entry((int) $post->post_author),
        'date_gmt' => fa_iso($post->post_date_gmt),
        'date_local' => str_replace(' ', 'T', $post->post_date),
        'modified_gmt' => fa_iso($post->post_modified_gmt),
        'categories' => array_values(wp_get_post_terms($id, 'category', array('fields' => 'names'))),
        'tags' => array_values(wp_get_post_terms($id, 'post_tag', array('fields' => 'names'))),
        'protected' => $protected,
        'editor' => $def['editor'],
        'comment_status' => $post->comment_status,
        'body_contains' => $body_contains,
        'page_sentences' => $page_sentences,
        'images' => $images,
        'comments' => $comments,
        'comment_count' => count($comments),
        'comment_pages' => max(1, (int) ceil($top_level / FA_COMMENTS_PER_PAGE)),
        'max_comment_depth' => $depth ? max($depth) : 0,
    );
}
wp_reset_postdata();
usort($fa_manifest['posts'], function ($a, $b) { return $a['id'] <=> $b['id']; });

$fa_markers = array(
    'HIDDEN-MARKER-private-post-5d21',
    'HIDDEN-MARKER-draft-post-9b40',
    'HIDDEN-MARKER-scheduled-post-c7e8',
    'HIDDEN-MARKER-pending-comment-1a6f',
    'HIDDEN-MARKER-spam-comment-2b7e',
    'HIDDEN-MARKER-trash-comment-3c8d',
    'HIDDEN-MARKER-protected-body-4e9a',
);
$fa_manifest['hidden'] = array(
    'post_ids' => $fa_hidden_post_ids,
    'comment_ids' => $fa_hidden_comment_ids,
    'markers' => $fa_markers,
    'protected_password' => 'gains',
);
// Public on the site but never in an archive: commenters' e-mail addresses and phone
// numbers (mailto:/tel: links in comments, a mailto: website).
$fa_manifest['private_markers'] = array('lena.private@readers.example', '4930555123');
$fa_manifest['pages'][] = array('id' => $fa_page_id, 'url' => get_permalink($fa_page_id), 'title' => fa_text(get_the_title($fa_page_id)));

$fa_json = json_encode($fa_manifest, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
if ($fa_json === false || file_put_contents($fa_state . '/manifest.json', $fa_json . "\n") === false) {
    fa_fail('could not write the manifest');
}
fwrite(STDOUT, sprintf("populated %d posts, %d comments\n", count($fa_manifest['posts']), array_sum(array_map(function ($p) { return count($p['comments']); }, $fa_manifest['posts']))));
