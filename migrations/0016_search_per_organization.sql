-- Search per organization: the FTS5 index of migrations/0011_lead_derived_state.sql held every organization's
-- leads, so a search in a small organization ranked the matches of every other one before keeping its own. The
-- index now also holds each lead's organization as one token (`org_key`, 'o' and the id's hex digits), and a
-- search asks for it (src/leads/search.ts), so it ranks only its organization's matches. The index reads its
-- text through the view leads_fts_source; SQL triggers keep it, never application code (docs/ARCHITECTURE.md
-- "Scale").
DROP TRIGGER `leads_fts_ai`;
--> statement-breakpoint
DROP TRIGGER `leads_fts_ad`;
--> statement-breakpoint
DROP TRIGGER `leads_fts_au`;
--> statement-breakpoint
DROP TABLE `leads_fts`;
--> statement-breakpoint
CREATE VIEW `leads_fts_source` AS
  SELECT `rowid` AS `lead_rowid`, `name`, `email`, `company`, 'o' || replace(`org_id`, '-', '') AS `org_key` FROM `leads`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `leads_fts` USING fts5(
  `name`, `email`, `company`, `org_key`,
  content = 'leads_fts_source', content_rowid = 'lead_rowid',
  tokenize = 'unicode61 remove_diacritics 2'
);
--> statement-breakpoint
CREATE TRIGGER `leads_fts_ai` AFTER INSERT ON `leads` BEGIN
  INSERT INTO `leads_fts` (`rowid`, `name`, `email`, `company`, `org_key`)
    VALUES (NEW.`rowid`, NEW.`name`, NEW.`email`, NEW.`company`, 'o' || replace(NEW.`org_id`, '-', ''));
END;
--> statement-breakpoint
CREATE TRIGGER `leads_fts_ad` AFTER DELETE ON `leads` BEGIN
  INSERT INTO `leads_fts` (`leads_fts`, `rowid`, `name`, `email`, `company`, `org_key`)
    VALUES ('delete', OLD.`rowid`, OLD.`name`, OLD.`email`, OLD.`company`, 'o' || replace(OLD.`org_id`, '-', ''));
END;
--> statement-breakpoint
CREATE TRIGGER `leads_fts_au` AFTER UPDATE OF `name`, `email`, `company`, `org_id` ON `leads` BEGIN
  INSERT INTO `leads_fts` (`leads_fts`, `rowid`, `name`, `email`, `company`, `org_key`)
    VALUES ('delete', OLD.`rowid`, OLD.`name`, OLD.`email`, OLD.`company`, 'o' || replace(OLD.`org_id`, '-', ''));
  INSERT INTO `leads_fts` (`rowid`, `name`, `email`, `company`, `org_key`)
    VALUES (NEW.`rowid`, NEW.`name`, NEW.`email`, NEW.`company`, 'o' || replace(NEW.`org_id`, '-', ''));
END;
--> statement-breakpoint
-- The leads already there.
INSERT INTO `leads_fts` (`leads_fts`) VALUES ('rebuild');
