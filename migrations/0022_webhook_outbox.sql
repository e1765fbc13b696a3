-- The webhook outbox (docs/ARCHITECTURE.md "Webhooks out"): an activity of a type an endpoint may subscribe to
-- writes, in its own statement (so in the change's batch, committed with it or not at all), the lead's next event
-- number and one delivery per active endpoint of the organization subscribed to the event. Every writer of
-- activities, present and future, is covered without knowing of webhooks; an organization without active
-- endpoints pays one indexed lookup per activity.
CREATE TRIGGER `activities_webhook_outbox` AFTER INSERT ON `activities`
WHEN NEW.`type` IN ('created', 'assigned', 'transferred', 'status_changed', 'note_added', 'communication_logged', 'claimed', 'released', 'returned_to_pool')
  AND EXISTS (SELECT 1 FROM `webhook_endpoints` WHERE `org_id` = NEW.`org_id` AND `active` = 1)
BEGIN
  INSERT INTO `webhook_sequences` (`lead_id`, `seq`) VALUES (NEW.`lead_id`, 1)
    ON CONFLICT (`lead_id`) DO UPDATE SET `seq` = `seq` + 1;
  INSERT INTO `webhook_deliveries`
    (`id`, `org_id`, `endpoint_id`, `activity_id`, `lead_id`, `type`, `seq`, `status`, `attempts`, `next_attempt_at`, `created_at`)
  SELECT
    lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' ||
      substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
    NEW.`org_id`, e.`id`, NEW.`id`, NEW.`lead_id`, t.`event`,
    (SELECT `seq` FROM `webhook_sequences` WHERE `lead_id` = NEW.`lead_id`),
    'pending', 0, NEW.`created_at`, NEW.`created_at`
  FROM `webhook_endpoints` e
  JOIN (SELECT CASE NEW.`type`
      WHEN 'created' THEN 'lead.created'
      WHEN 'assigned' THEN 'lead.assigned'
      WHEN 'transferred' THEN 'lead.assigned'
      WHEN 'status_changed' THEN 'lead.status_changed'
      WHEN 'note_added' THEN 'note.added'
      WHEN 'communication_logged' THEN 'communication.logged'
      WHEN 'claimed' THEN 'lead.claimed'
      ELSE 'lead.released' END AS `event`) t
  WHERE e.`org_id` = NEW.`org_id` AND e.`active` = 1
    AND EXISTS (SELECT 1 FROM json_each(e.`events`) WHERE json_each.`value` = t.`event`);
END;
