-- The raw PostgreSQL writes of a counter reception + accept, the floor `make bench` measures the services
-- against (bench/pgbench.py runs it for bench/http_pages.py and bench/profile_writes.py:
-- pgbench -n -f bench/raw_reception.sql -c 4 -T 10 <bench database>).
-- Same shape as motcua.dossiers.services.receive_and_decide (the counter form's one intention: register the
-- walk-in dossier and accept it), one transaction:
--   the agency's daily code counter (upsert); the dossier written once, in its final state (received,
--   appointment issued, ~1 KB of form JSON), drawing the id of its first step; the step row; its documents;
--   the entry in the reception point's register (sổ theo dõi: the upsert of its yearly book and the line in
--   one statement, a data-modifying WITH, as dossiers.counters.draw_into writes it); the "submitted"
--   and "received" events in one INSERT (sequences computed by it: the dossier's highest plus the row's
--   rank); their outbox rows in one INSERT.
-- Foreign keys are copied from the first dossier and first step of the seeded bench database, so the
-- database must hold at least one dossier that has a step. Each client counts on its own day and in its
-- own register year, as each reception point of a busy day counts for its own agency.
-- tests/dossiers/test_bench_raw_reception.py keeps the tables and columns written here in step with the
-- models and with the tables the services write, and runs the script once on PostgreSQL.
\set n random(1, 2000000000)
BEGIN;
INSERT INTO dossiers_dossiercodecounter (agency_id, day, last)
SELECT receiving_agency_id, DATE '2030-01-01' + :client_id, 1 FROM dossiers_dossier
WHERE id = (SELECT min(id) FROM dossiers_dossier)
ON CONFLICT (agency_id, day) DO UPDATE SET last = dossiers_dossiercodecounter.last + 1
RETURNING last AS counter \gset
INSERT INTO dossiers_dossier (
    province_code, code, version, procedure_id, procedure_version_id, state, channel, applicant_name,
    applicant_id_number, applicant_phone, applicant_email, applicant_address, concerned_name,
    concerned_id_number, place_unit_id, place_field, summary, form_data, fee, reception_point_id,
    receiving_agency_id, competent_agency_id, competence_overridden, postal_tracking_number, confirmation,
    dossier_sets, result_delivery, delivery_address, submitted_at, received_at, appointment_at,
    initial_appointment_at,
    current_step_id, step_agency_id, step_role, step_deadline, supplement_count, withdrawal_pending, subject_name,
    legacy_code
)
SELECT
    d.province_code, 'RAW-' || :client_id || '-' || :counter || '-' || :n, 1, d.procedure_id,
    d.procedure_version_id, 'in_process', 'counter', 'Người nộp ' || :n, '046195001234', '0914000111', '',
    '12 Lê Lợi, Phú Xuân', '', '', d.place_unit_id, '', '',
    jsonb_build_object(
        'ho_ten_chong', 'Nguyễn Văn An', 'ngay_sinh_chong', '1995-03-14', 'so_dinh_danh_chong', '046095001234',
        'ho_ten_vo', 'Phan Thị Mai', 'ngay_sinh_vo', '1996-07-21', 'so_dinh_danh_vo', '046196001234',
        'noi_cu_tru_chong', '12 Lê Lợi, phường Phú Xuân, thành phố Huế',
        'noi_cu_tru_vo', '34 Hùng Vương, phường Thuận Hóa, thành phố Huế',
        'dan_toc_chong', 'Kinh', 'dan_toc_vo', 'Kinh', 'quoc_tich_chong', 'Việt Nam', 'quoc_tich_vo', 'Việt Nam',
        'ghi_chu', repeat('Tờ khai đăng ký kết hôn, nộp trực tiếp tại bộ phận một cửa. ', 8)
    ),
    0, d.reception_point_id, d.receiving_agency_id, d.competent_agency_id, false, '', '', 1, '', '', now(), now(),
    now() + interval '5 days', now() + interval '5 days',
    nextval(pg_get_serial_sequence('dossiers_dossierstep', 'id')), s.agency_id, s.role,
    now() + interval '3 days', 0, false, 'Nguyễn Văn An, Phan Thị Mai', ''
FROM dossiers_dossier d, dossiers_dossierstep s
WHERE d.id = (SELECT min(id) FROM dossiers_dossier) AND s.id = (SELECT min(id) FROM dossiers_dossierstep)
RETURNING id AS dossier_id, current_step_id AS step_row \gset
INSERT INTO dossiers_dossierstep (
    id, dossier_id, province_code, sequence, step_id, agency_id, role, started_at, deadline, action, outcome
)
SELECT :step_row, :dossier_id, province_code, 1, step_id, agency_id, role, now(), now() + interval '3 days', '', ''
FROM dossiers_dossierstep WHERE id = (SELECT min(id) FROM dossiers_dossierstep);
INSERT INTO dossiers_dossierdocument (
    dossier_id, code, name, source, originals, copies, file_ref, digitized, supplied_at
) VALUES
    (:dossier_id, 'TK', 'Tờ khai đăng ký kết hôn', 'paper', 1, 0, '', false, now()),
    (:dossier_id, 'GXNTT', 'Giấy xác nhận tình trạng hôn nhân', 'paper', 1, 0, '', false, now());
WITH book AS (
    INSERT INTO dossiers_dossierregister (reception_point_id, year, book, last)
    SELECT reception_point_id, 2100 + :client_id, 1, 1 FROM dossiers_dossier WHERE id = :dossier_id
    ON CONFLICT (reception_point_id, year) DO UPDATE SET last = dossiers_dossierregister.last + 1
    RETURNING id, last
)
INSERT INTO dossiers_dossierregisterentry (register_id, number, dossier_id, entered_at)
SELECT id, last, :dossier_id, now() FROM book;
INSERT INTO dossiers_dossierevent (
    dossier_id, province_code, sequence, kind, action, at, origin, reason, data, audience
) VALUES
    (:dossier_id, '46', (SELECT COALESCE(MAX(sequence), 0) + 1 FROM dossiers_dossierevent WHERE dossier_id = :dossier_id),
     'submitted', '', now(), 'counter', '', '{"channel": "counter"}'::jsonb, 'applicant'),
    (:dossier_id, '46', (SELECT COALESCE(MAX(sequence), 0) + 2 FROM dossiers_dossierevent WHERE dossier_id = :dossier_id),
     'received', '', now(), '', '', '{"appointment_at": "later"}'::jsonb, 'applicant');
INSERT INTO integrations_outboxmessage (
    topic, province_code, aggregate_type, aggregate_id, key, payload, created_at, available_at, attempts,
    last_error, destination, stream, status, claimed_by, failures, redeliveries
)
SELECT topic, '46', 'dossier', :dossier_id, 'raw-' || :dossier_id || '-' || k, payload::jsonb, now(), now(), 0,
    '', destination, 'dossier:' || :dossier_id, 'pending', '', 0, 0
FROM (VALUES ('1-status', 'dossier.status', 'national_portal', '{"status": 1, "code": "RAW"}'),
             ('1-notify', 'notify.applicant', 'notifications', '{"event": "submitted"}'),
             ('2-status', 'dossier.status', 'national_portal', '{"status": 2, "code": "RAW"}'),
             ('2-progress', 'dossier.progress', 'national_portal', '{"event": "received"}'))
    AS m (k, topic, destination, payload);
COMMIT;
